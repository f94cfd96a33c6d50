// Brands: the list, the form that creates one, and a brand's page (edit,
// delete). A brand serves the requests whose host is its domain (the
// default brand every other host): its title, logo, favicon, attributes
// and the flows its pages run.
import { useState } from "preact/hooks";
import { Checkbox, TextInput, uniqueId } from "../flow/fields";
import { graphql } from "../gql";
import type { AdminBrandQuery, FlowDesignation } from "../gql/graphql";
import { messageOf, request } from "../lib/graphql";
import { NotFound } from "./flows";
import { loadOptions, nodes, type RefOption } from "./options";
import { href, navigate } from "./router";
import { confirmDelete, ErrorAlert, errorField, FormActions, Loading, notFoundAsNull, PageHeader, SelectInput, Table, TextArea, useAction, useLoad } from "./ui";

const AdminBrands = graphql(`
  query AdminBrands {
    brands(first: 500, orderBy: { field: DOMAIN, direction: ASC }) {
      edges {
        node {
          id
          domain
          isDefault
          brandingTitle
        }
      }
    }
  }
`);

const AdminBrand = graphql(`
  query AdminBrand($id: ID!) {
    node(id: $id) {
      __typename
      ... on Brand {
        id
        domain
        isDefault
        brandingTitle
        brandingLogo
        brandingFavicon
        attributes
        flowAuthenticationID
        flowInvalidationID
        flowRecoveryID
        flowUnenrollmentID
        flowUserSettingsID
        flowDeviceCodeID
      }
    }
  }
`);

const AdminCreateBrand = graphql(`
  mutation AdminCreateBrand($input: CreateBrandInput!) {
    createBrand(input: $input) {
      id
    }
  }
`);

const AdminUpdateBrand = graphql(`
  mutation AdminUpdateBrand($id: ID!, $input: UpdateBrandInput!) {
    updateBrand(id: $id, input: $input) {
      id
    }
  }
`);

const AdminDeleteBrand = graphql(`
  mutation AdminDeleteBrand($id: ID!) {
    deleteBrand(id: $id)
  }
`);

/** The flows a brand names: its input's key, label and the flows' designation. */
const brandFlows = [
  { key: "flowAuthenticationID", clear: "clearFlowAuthentication", label: "Authentication flow", designation: "AUTHENTICATION" },
  { key: "flowInvalidationID", clear: "clearFlowInvalidation", label: "Invalidation (log out) flow", designation: "INVALIDATION" },
  { key: "flowRecoveryID", clear: "clearFlowRecovery", label: "Recovery flow", designation: "RECOVERY" },
  { key: "flowUnenrollmentID", clear: "clearFlowUnenrollment", label: "Unenrollment flow", designation: "UNENROLLMENT" },
  { key: "flowUserSettingsID", clear: "clearFlowUserSettings", label: "User settings flow", designation: "STAGE_CONFIGURATION" },
  // The device code flow's designation is not fixed: any flow is offered.
  { key: "flowDeviceCodeID", clear: "clearFlowDeviceCode", label: "Device code flow", designation: undefined },
] as const satisfies readonly { key: string; clear: string; label: string; designation: FlowDesignation | undefined }[];

type FlowKey = (typeof brandFlows)[number]["key"];

interface BrandValues {
  domain: string;
  isDefault: boolean;
  brandingTitle: string;
  brandingLogo: string;
  brandingFavicon: string;
  attributes: string;
  flows: Record<FlowKey, string>;
}

type Brand = Extract<NonNullable<AdminBrandQuery["node"]>, { __typename: "Brand" }>;

function valuesOf(b: Brand | undefined): BrandValues {
  const flows = {} as Record<FlowKey, string>;
  for (const f of brandFlows) flows[f.key] = b?.[f.key] ?? "";
  return {
    domain: b?.domain ?? "",
    isDefault: b?.isDefault ?? false,
    brandingTitle: b?.brandingTitle ?? "",
    brandingLogo: b?.brandingLogo ?? "",
    brandingFavicon: b?.brandingFavicon ?? "",
    attributes: JSON.stringify(b?.attributes ?? {}, null, 2),
    flows,
  };
}

export function BrandList() {
  const brands = useLoad(() => request(AdminBrands), []);
  const shown = nodes(brands.data?.brands.edges);
  return (
    <>
      <PageHeader title="Brands">
        <a class="button button--primary" href={href("/brands/new")}>
          New brand
        </a>
      </PageHeader>
      <p class="admin-intro">
        A brand serves the requests whose host is its domain, and the default brand every other host: the title, logo and favicon its pages
        show and the flows they run.
      </p>
      <ErrorAlert error={brands.error} title="The brands could not be loaded." />
      {!brands.data && !brands.error && <Loading what="brands" />}
      {brands.data && shown.length === 0 && <p>There are no brands yet.</p>}
      {shown.length > 0 && (
        <Table caption="Brands" testid="brand-list" head={["Domain", "Title"]}>
          {shown.map((b) => (
            <tr key={b.id} data-testid="brand-row" data-domain={b.domain}>
              <th scope="row">
                <a href={href(`/brands/${b.id}`)}>{b.domain}</a>
                {b.isDefault && <span class="badge">default</span>}
              </th>
              <td>{b.brandingTitle || "—"}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

/** The settings form of a brand, new or existing. */
function BrandForm({ initial, submit, isNew, onSubmit }: { initial: BrandValues; submit: string; isNew?: boolean; onSubmit: (v: BrandValues, attributes: Record<string, unknown>) => Promise<void> }) {
  const [v, setV] = useState(initial);
  const [ids] = useState(() => uniqueId("brand"));
  const flows = useLoad(() => loadOptions("flow"), []);
  const [attributesError, setAttributesError] = useState<string>();
  const action = useAction();
  const field = errorField(action.error);
  const err = (name: string) => (field?.toLowerCase() === name.toLowerCase() ? messageOf(action.error).replace(`${field}: `, "") : undefined);
  const set = <K extends keyof BrandValues>(k: K) => (value: BrandValues[K]) => setV({ ...v, [k]: value });
  const options = (designation: FlowDesignation | undefined, current: string) => [
    { value: "", label: "None" },
    ...(flows.data ?? []).filter((f: RefOption) => !designation || f.designation === designation || f.id === current).map((f: RefOption) => ({ value: f.id, label: f.label })),
  ];
  return (
    <form
      class="form admin-form"
      data-testid="brand-form"
      onSubmit={(e) => {
        e.preventDefault();
        let attributes: unknown;
        try {
          attributes = JSON.parse(v.attributes || "{}");
        } catch {
          attributes = undefined;
        }
        if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
          setAttributesError('Enter a JSON object, e.g. {"theme": "dark"}.');
          return;
        }
        setAttributesError(undefined);
        void action.run(() => onSubmit({ ...v, domain: v.domain.trim() }, attributes as Record<string, unknown>));
      }}
    >
      <ErrorAlert error={action.error} title="The brand was not saved." />
      <ErrorAlert error={flows.error} title="The flows could not be loaded." />
      <div class="admin-grid">
        <TextInput
          id={`${ids}-domain`}
          name="domain"
          label="Domain"
          value={v.domain}
          onValue={set("domain")}
          required
          autoCapitalize="none"
          spellcheck={false}
          autoComplete="off"
          help="The host name it serves, in lower case, e.g. login.example.com."
          error={err("domain")}
        />
        <TextInput id={`${ids}-title`} name="title" label="Title" value={v.brandingTitle} onValue={set("brandingTitle")} error={err("brandingTitle") ?? err("branding_title")} />
        <TextInput
          id={`${ids}-logo`}
          name="logo"
          label="Logo"
          value={v.brandingLogo}
          onValue={set("brandingLogo")}
          help="An https URL or an absolute path of an image; empty: the default."
          error={err("brandingLogo") ?? err("branding_logo")}
        />
        <TextInput
          id={`${ids}-favicon`}
          name="favicon"
          label="Favicon"
          value={v.brandingFavicon}
          onValue={set("brandingFavicon")}
          help="An https URL or an absolute path of an icon; empty: the default."
          error={err("brandingFavicon") ?? err("branding_favicon")}
        />
      </div>
      <Checkbox
        id={`${ids}-default`}
        label="Default brand"
        checked={v.isDefault}
        onChecked={set("isDefault")}
        help="Serves requests whose host matches no other brand; at most one brand is the default."
      />
      <div class="admin-grid">
        {brandFlows.map((f) => (
          <SelectInput
            key={f.key}
            id={`${ids}-${f.key}`}
            label={f.label}
            value={v.flows[f.key]}
            options={options(f.designation, v.flows[f.key])}
            onValue={(id) => setV({ ...v, flows: { ...v.flows, [f.key]: id } })}
            error={err(f.key) ?? err(f.key.replace(/ID$/, "Id"))}
          />
        ))}
      </div>
      <TextArea
        id={`${ids}-attributes`}
        label="Attributes (JSON)"
        value={v.attributes}
        onValue={set("attributes")}
        code
        help="Free-form settings of the brand, as a JSON object."
        error={attributesError ?? err("attributes")}
      />
      <FormActions busy={action.busy} submit={submit} cancel={isNew ? { to: "/brands" } : undefined} />
    </form>
  );
}

export function BrandNew() {
  return (
    <>
      <PageHeader title="New brand" back={{ to: "/brands", label: "Brands" }} />
      <section class="card">
        <BrandForm
          initial={valuesOf(undefined)}
          isNew
          submit="Create brand"
          onSubmit={async (v, attributes) => {
            const flows: Record<string, string | null> = {};
            for (const f of brandFlows) flows[f.key] = v.flows[f.key] || null;
            const d = await request(AdminCreateBrand, {
              input: {
                domain: v.domain,
                isDefault: v.isDefault,
                brandingTitle: v.brandingTitle,
                brandingLogo: v.brandingLogo,
                brandingFavicon: v.brandingFavicon,
                attributes,
                ...flows,
              },
            });
            navigate(`/brands/${d.createBrand.id}`, `The brand ${v.domain} was created.`);
          }}
        />
      </section>
    </>
  );
}

export function BrandDetail({ id, onFlash }: { id: string; onFlash: (m: string) => void }) {
  const brand = useLoad(async () => {
    const d = await request(AdminBrand, { id }).catch(notFoundAsNull);
    return d?.node?.__typename === "Brand" ? d.node : null;
  }, [id]);
  const del = useAction();

  if (brand.error) return <ErrorAlert error={brand.error} title="The brand could not be loaded." />;
  if (brand.data === undefined) return <Loading what="the brand" />;
  if (brand.data === null) return <NotFound what="brand" back="/brands" />;
  const b = brand.data;

  return (
    <>
      <PageHeader title={`Brand ${b.domain}`} back={{ to: "/brands", label: "Brands" }}>
        <button
          type="button"
          class="button button--danger"
          disabled={del.busy}
          onClick={() => {
            if (!confirmDelete(`the brand ${b.domain}`)) return;
            void del.run(async () => {
              await request(AdminDeleteBrand, { id: b.id });
              navigate("/brands", `The brand ${b.domain} was deleted.`);
            });
          }}
        >
          Delete brand
        </button>
      </PageHeader>
      <ErrorAlert error={del.error} title="The brand was not deleted." />
      <section class="card" aria-labelledby="brand-settings-title">
        <h2 id="brand-settings-title" class="card__title">
          Settings
        </h2>
        <BrandForm
          key={b.id}
          initial={valuesOf(b)}
          submit="Save brand"
          onSubmit={async (v, attributes) => {
            // A flow left empty clears it.
            const flows: Record<string, string | boolean> = {};
            for (const f of brandFlows) {
              if (v.flows[f.key]) flows[f.key] = v.flows[f.key];
              else if (b[f.key]) flows[f.clear] = true;
            }
            await request(AdminUpdateBrand, {
              id: b.id,
              input: {
                domain: v.domain,
                isDefault: v.isDefault,
                brandingTitle: v.brandingTitle,
                brandingLogo: v.brandingLogo,
                brandingFavicon: v.brandingFavicon,
                attributes,
                ...flows,
              },
            });
            await brand.reload();
            onFlash(`The brand ${v.domain} was saved.`);
          }}
        />
      </section>
    </>
  );
}
