// The kinds of stages and policies, and a field descriptor for every field of
// each kind's config input type. The descriptors are typed against the
// generated input types: a field added to, removed from or retyped in a
// config input (or a new kind, or a new enum value) fails the build until
// the console describes it.
import type {
  AdminStageConfigFragment,
  CaptchaProvider,
  ConsentMode,
  FlowDesignation,
  IdentificationUserField,
  PasswordBackend,
  PromptFieldInput,
  PromptFieldType,
  RedirectMode,
  StageConfigInput,
  UserCreationMode,
} from "../gql/graphql";
import { graphql } from "../gql";
import { accountStageKinds } from "./config-kinds-account";
import { policyKinds } from "./config-kinds-policy";
import { userTypes } from "./labels";

interface Base {
  label: string;
  help?: string;
  /** Not shown: the field is kept at its value (a field with no meaning). */
  hidden?: boolean;
  /**
   * Shown only while the field named `field` has one of the values `in`;
   * otherwise hidden and sent as its initial value.
   */
  when?: { field: string; in: string[] };
}
interface StringSpec extends Base {
  type: "string";
  multiline?: boolean;
  /**
   * Write-only (a third party's secret): a password input, never filled
   * from the API, required whenever shown (the config is replaced whole).
   */
  secret?: boolean;
}
interface IntSpec extends Base {
  type: "int";
  min?: number;
  max?: number;
  /** Takes decimals (a Float), not only whole numbers. */
  decimal?: boolean;
}
interface BoolSpec extends Base {
  type: "boolean";
}
interface EnumSpec<E extends string = string> extends Base {
  type: "enum";
  /** A label for every value: a new enum value fails the build. */
  options: Record<E, string>;
  /** For a nullable enum: the label of null (no value), offered first. */
  none?: string;
}
interface EnumListSpec<E extends string = string> extends Base {
  type: "enumList";
  options: Record<E, string>;
}
interface StringListSpec extends Base {
  type: "stringList";
}
/** The kinds of objects a config refers to by ID. */
export type RefTarget = "flow" | "stage" | "policy" | "group";
/** Narrows a reference's choices. */
export interface RefFilter {
  designation?: FlowDesignation;
  kind?: string;
}
interface RefSpec extends Base, RefFilter {
  type: "ref";
  target: RefTarget;
}
interface RefListSpec extends Base, RefFilter {
  type: "refList";
  target: RefTarget;
}
interface PromptFieldsSpec extends Base {
  type: "promptFields";
}

export type FieldSpec =
  | StringSpec
  | IntSpec
  | BoolSpec
  | EnumSpec
  | EnumListSpec
  | StringListSpec
  | RefSpec
  | RefListSpec
  | PromptFieldsSpec;

/**
 * The descriptor a field of an input type must have: references by their
 * key's ID/IDs suffix, the rest by the field's TypeScript type.
 */
type SpecFor<K, V> = K extends `${string}IDs`
  ? RefListSpec
  : K extends `${string}ID`
    ? RefSpec
    : [V] extends [boolean]
      ? BoolSpec
      : [V] extends [number]
        ? IntSpec
        : [V] extends [PromptFieldInput[]]
          ? PromptFieldsSpec
          : [V] extends [Array<infer E extends string>]
            ? string extends E
              ? StringListSpec
              : EnumListSpec<E>
            : [V] extends [string]
              ? string extends V
                ? StringSpec
                : EnumSpec<V>
              : never;

/** A descriptor for every field of input type T, and for nothing else. */
type FieldSpecs<T> = { [K in keyof T]-?: SpecFor<K, NonNullable<T[K]>> };

/** One kind of a config union. */
interface KindSpec<T, Typename extends string> {
  /** The object's `kind` (snake_case). */
  kind: string;
  /** The member of the config union the API reads back. */
  typename: Typename;
  label: string;
  description: string;
  fields: FieldSpecs<T>;
}

/** The keys of a @oneOf input (a union of one-member objects). */
type KeysOf<Input> = Input extends unknown ? keyof Input : never;
/** The input type of a @oneOf input's member K. */
type MemberOf<Input, K> = NonNullable<Input extends unknown ? (K extends keyof Input ? Input[K] : never) : never>;
/** A spec for every member of a @oneOf config input. */
export type KindSpecs<Input, Typename extends string> = {
  [K in KeysOf<Input>]: KindSpec<MemberOf<Input, K>, Typename>;
};

const promptFieldTypes: Record<PromptFieldType, string> = {
  TEXT: "Text",
  TEXT_AREA: "Text area",
  TEXT_READ_ONLY: "Read-only text",
  EMAIL: "Email",
  USERNAME: "Username (must be unused)",
  PASSWORD: "Password",
  NUMBER: "Number",
  CHECKBOX: "Checkbox",
  CHOICE: "Choice",
  DATE: "Date",
  DATE_TIME: "Date and time",
  HIDDEN: "Hidden",
  STATIC: "Static text",
  SEPARATOR: "Separator",
};

/** The columns of a prompt stage's field rows. */
export const promptFieldSpecs = {
  fieldKey: { type: "string", label: "Field key", help: "Where the answer goes in prompt_data, e.g. username, email, attributes.phone." },
  label: { type: "string", label: "Label" },
  type: { type: "enum", label: "Type", options: promptFieldTypes },
  required: { type: "boolean", label: "Required" },
  placeholder: { type: "string", label: "Placeholder" },
  initialValue: { type: "string", label: "Initial value" },
  order: { type: "int", label: "Order", help: "Fields are shown in ascending order." },
  subText: { type: "string", label: "Help text" },
  choices: { type: "stringList", label: "Choices", help: "For choice fields: one choice per line." },
} satisfies FieldSpecs<PromptFieldInput>;

/** Shown for the captcha providers that are third parties. */
const thirdParty = { field: "provider", in: ["TURNSTILE", "HCAPTCHA", "RECAPTCHA_V3"] satisfies CaptchaProvider[] };

const stageKinds = {
  identification: {
    kind: "identification",
    typename: "IdentificationStage",
    label: "Identification",
    description: "Asks who the user is: a username or email address, optionally with the password on the same screen.",
    fields: {
      userFields: {
        type: "enumList",
        label: "Identify users by",
        options: { USERNAME: "Username", EMAIL: "Email address", UPN: "UPN (attributes.upn)" } satisfies Record<IdentificationUserField, string>,
      },
      passwordStageID: {
        type: "ref",
        target: "stage",
        kind: "password",
        label: "Password stage",
        help: "When set, the password is asked on the same screen and checked with this password stage's settings.",
      },
      caseInsensitiveMatching: { type: "boolean", label: "Match identifiers case-insensitively" },
      showMatchedUser: { type: "boolean", label: "Show the matched username on later stages" },
      pretendUserExists: {
        type: "boolean",
        label: "Pretend unknown users exist",
        help: "Unknown identifiers continue exactly as known ones do, so the flow does not reveal which users exist.",
      },
      enableRememberMe: { type: "boolean", label: "Offer to remember the identifier" },
      enrollmentFlowID: { type: "ref", target: "flow", designation: "ENROLLMENT", label: "Enrollment flow", help: "Linked as \"sign up\"." },
      recoveryFlowID: { type: "ref", target: "flow", designation: "RECOVERY", label: "Recovery flow", help: "Linked as \"forgot password\"." },
      passwordlessFlowID: {
        type: "ref",
        target: "flow",
        designation: "AUTHENTICATION",
        label: "Passwordless flow",
        help: "Linked as \"log in with a passkey\".",
      },
    },
  },
  password: {
    kind: "password",
    typename: "PasswordStage",
    label: "Password",
    description: "Checks the pending user's password.",
    fields: {
      backends: {
        type: "enumList",
        label: "Password sources",
        help: "Tried in order; the first that accepts the password wins.",
        options: { INBUILT: "The user's own password", APP_PASSWORD: "The user's app passwords" } satisfies Record<PasswordBackend, string>,
      },
      failedAttemptsBeforeCancel: { type: "int", label: "Wrong passwords before the flow is cancelled", min: 1 },
      allowShowPassword: { type: "boolean", label: "Offer a button that shows the password" },
      configureFlowID: {
        type: "ref",
        target: "flow",
        designation: "STAGE_CONFIGURATION",
        label: "Password change flow",
        help: "The flow a signed-in user runs to change the password.",
      },
    },
  },
  prompt: {
    kind: "prompt",
    typename: "PromptStage",
    label: "Prompt",
    description: "A form; the answers merge into the flow's prompt_data.",
    fields: {
      fields: { type: "promptFields", label: "Fields" },
      validationPolicyIDs: { type: "refList", target: "policy", label: "Validation policies", help: "The answers must pass all of them." },
    },
  },
  userWrite: {
    kind: "user_write",
    typename: "UserWriteStage",
    label: "User write",
    description: "Writes prompt_data to the pending user, creating the user when needed.",
    fields: {
      userCreationMode: {
        type: "enum",
        label: "Create users",
        options: {
          NEVER_CREATE: "Never",
          CREATE_WHEN_REQUIRED: "When there is no pending user",
          ALWAYS_CREATE: "Always",
        } satisfies Record<UserCreationMode, string>,
      },
      createUsersAsInactive: { type: "boolean", label: "Create users as inactive" },
      createUsersGroupID: { type: "ref", target: "group", label: "Group created users join" },
      userType: { type: "enum", label: "Type of created users", options: userTypes },
    },
  },
  userLogin: {
    kind: "user_login",
    typename: "UserLoginStage",
    label: "User login",
    description: "Logs the pending user in.",
    fields: {
      sessionDuration: {
        type: "int",
        label: "Session lifetime (seconds)",
        help: "0 uses the server default and a browser-session cookie.",
        min: 0,
      },
      rememberMeOffset: {
        type: "int",
        label: "Stay signed in for (seconds)",
        help: "Added when the user chooses to stay signed in; 0 does not offer it.",
        min: 0,
      },
      terminateOtherSessions: { type: "boolean", label: "End the user's other sessions" },
    },
  },
  userLogout: {
    kind: "user_logout",
    typename: "UserLogoutStage",
    label: "User logout",
    description: "Ends the client's session. This kind has no settings.",
    fields: {
      noSettings: { type: "boolean", label: "No settings", hidden: true },
    },
  },
  deviceCode: {
    kind: "device_code",
    typename: "DeviceCodeStage",
    label: "Device code",
    description:
      "Reads the code a device shows (OAuth 2.0 device authorization) and goes on to the application's authorization. Put it in the brand's device-code flow. This kind has no settings.",
    fields: {
      noSettings: { type: "boolean", label: "No settings", hidden: true },
    },
  },
  ...accountStageKinds,
  userDelete: {
    kind: "user_delete",
    typename: "UserDeleteStage",
    label: "User delete",
    description:
      "Deletes the signed-in user's account, with its tokens and sessions: the last stage of an unenrollment flow. This kind has no settings.",
    fields: {
      noSettings: { type: "boolean", label: "No settings", hidden: true },
    },
  },
  redirect: {
    kind: "redirect",
    typename: "RedirectStage",
    label: "Redirect",
    description: "Sends the client to a URL, or into another flow.",
    fields: {
      mode: {
        type: "enum",
        label: "Send the client to",
        options: { STATIC: "A URL", FLOW: "Another flow" } satisfies Record<RedirectMode, string>,
      },
      targetStatic: { type: "string", label: "URL", help: "An http(s) URL or an absolute path such as /app (URL mode)." },
      targetFlowID: { type: "ref", target: "flow", label: "Target flow", help: "The flow to continue in (flow mode)." },
      keepContext: { type: "boolean", label: "Carry this flow's context into the target flow" },
    },
  },
  deny: {
    kind: "deny",
    typename: "DenyStage",
    label: "Deny",
    description: "Always denies; bind it with a policy to stop the users the policy selects.",
    fields: {
      denyMessage: { type: "string", label: "Message", help: "Shown to the user; empty shows a generic message." },
    },
  },
  dummy: {
    kind: "dummy",
    typename: "DummyStage",
    label: "Dummy",
    description: "A stage for tests: a continue button, or a deliberate failure.",
    fields: {
      throwError: { type: "boolean", label: "Fail deliberately" },
    },
  },
  consent: {
    kind: "consent",
    typename: "ConsentStage",
    label: "Consent",
    description:
      "Asks the signed-in user to let the application of an SSO authorization have what it asks for; refusing answers the application access_denied.",
    fields: {
      consentMode: {
        type: "enum",
        label: "Remember the answer",
        options: {
          ALWAYS_REQUIRE: "Never: ask every time",
          PERMANENT: "Until the user revokes it",
          EXPIRING: "For a while",
        } satisfies Record<ConsentMode, string>,
      },
      expiresIn: {
        type: "int",
        label: "Remember for (seconds)",
        help: "2419200 is four weeks.",
        min: 60,
        max: 31622400,
        when: { field: "consentMode", in: ["EXPIRING"] },
      },
    },
  },
  captcha: {
    kind: "captcha",
    typename: "CaptchaStage",
    label: "Captcha",
    description:
      "Makes the client prove it is not a cheap bot: by default a proof of work its browser solves (no third party), " +
      "or a Turnstile, hCaptcha or reCAPTCHA v3 widget.",
    fields: {
      provider: {
        type: "enum",
        label: "Provider",
        options: {
          POW: "Proof of work (built in, no third party)",
          TURNSTILE: "Cloudflare Turnstile",
          HCAPTCHA: "hCaptcha",
          RECAPTCHA_V3: "Google reCAPTCHA v3",
        } satisfies Record<CaptchaProvider, string>,
      },
      difficulty: {
        type: "int",
        label: "Difficulty (bits)",
        help: "Each bit doubles the work. 20 takes a browser about a second; 24 about 15 seconds.",
        min: 8,
        max: 28,
        when: { field: "provider", in: ["POW"] },
      },
      siteKey: {
        type: "string",
        label: "Site key",
        help: "The widget's public key, from the provider's dashboard.",
        when: thirdParty,
      },
      secret: {
        type: "string",
        secret: true,
        label: "Secret",
        help: "Never shown once saved. Saving replaces the whole configuration, so enter the secret again with every change.",
        when: thirdParty,
      },
      verifyUrl: {
        type: "string",
        label: "Verify URL",
        help: "Where tokens are checked; empty uses the provider's endpoint.",
        when: thirdParty,
      },
      minScore: {
        type: "int",
        decimal: true,
        label: "Minimum score",
        help: "The lowest reCAPTCHA v3 score that passes, 0 to 1.",
        min: 0,
        max: 1,
        when: { field: "provider", in: ["RECAPTCHA_V3"] },
      },
    },
  },
} satisfies KindSpecs<StageConfigInput, AdminStageConfigFragment["__typename"]>;

/** A family of kinds, as the generic config form sees it. */
export interface KindInfo {
  key: string;
  kind: string;
  typename: string;
  label: string;
  description: string;
  fields: Record<string, FieldSpec>;
}

function infos(kinds: Record<string, Omit<KindInfo, "key">>): KindInfo[] {
  return Object.entries(kinds).map(([key, k]) => ({ key, ...k }));
}

export const stageKindList: KindInfo[] = infos(stageKinds);
export const policyKindList: KindInfo[] = infos(policyKinds);

/** The kind whose `kind` (snake_case) or typename is name. */
export function kindOf(list: KindInfo[], name: string): KindInfo | undefined {
  return list.find((k) => k.kind === name || k.typename === name);
}

// What the console reads back of each kind's config (the forms above fill
// from it): a kind's fields are listed next to its form, once.
export const AdminStageConfig = graphql(`
  fragment AdminStageConfig on StageConfig {
    __typename
    ... on IdentificationStage {
      userFields
      passwordStageID: passwordStage {
        id
      }
      caseInsensitiveMatching
      showMatchedUser
      pretendUserExists
      enableRememberMe
      enrollmentFlowID: enrollmentFlow {
        id
      }
      recoveryFlowID: recoveryFlow {
        id
      }
      passwordlessFlowID: passwordlessFlow {
        id
      }
    }
    ... on PasswordStage {
      backends
      failedAttemptsBeforeCancel
      allowShowPassword
      configureFlowID: configureFlow {
        id
      }
    }
    ... on PromptStage {
      fields {
        fieldKey
        label
        type
        required
        placeholder
        initialValue
        order
        subText
        choices
      }
      validationPolicyIDs: validationPolicies {
        id
      }
    }
    ... on UserWriteStage {
      userCreationMode
      createUsersAsInactive
      createUsersGroupID: createUsersGroup {
        id
      }
      userType
    }
    ... on UserLoginStage {
      sessionDuration
      rememberMeOffset
      terminateOtherSessions
    }
    ... on UserLogoutStage {
      noSettings
    }
    ... on UserDeleteStage {
      noSettings
    }
    ... on DeviceCodeStage {
      noSettings
    }
    ... on AuthenticatorTotpStage {
      digits
      friendlyName
    }
    ... on AuthenticatorEmailStage {
      friendlyName
      tokenExpiry
    }
    ... on AuthenticatorWebauthnStage {
      userVerification
      residentKeyRequirement
      authenticatorAttachment
      friendlyName
    }
    ... on EmailStage {
      template
      tokenExpiry
      activateUserOnSuccess
      singleUse
      resendLimit
    }
    ... on AuthenticatorStaticStage {
      tokenCount
      friendlyName
    }
    ... on AuthenticatorValidateStage {
      deviceClasses
      notConfiguredAction
      configurationStageIDs: configurationStages {
        id
      }
      lastAuthThreshold
      webauthnUserVerification
    }
    ... on RedirectStage {
      mode
      targetStatic
      targetFlowID: targetFlow {
        id
      }
      keepContext
    }
    ... on DenyStage {
      denyMessage
    }
    ... on InvitationStage {
      continueFlowWithoutInvitation
    }
    ... on DummyStage {
      throwError
    }
    ... on ConsentStage {
      consentMode
      expiresIn
    }
    ... on CaptchaStage {
      provider
      difficulty
      siteKey
      secretSet
      verifyUrl
      minScore
    }
  }
`);

export const AdminPolicyConfig = graphql(`
  fragment AdminPolicyConfig on PolicyConfig {
    __typename
    ... on ExpressionPolicy {
      expression
    }
    ... on PasswordPolicy {
      passwordField
      lengthMin
      amountDigits
      amountUppercase
      amountLowercase
      amountSymbols
      symbolCharset
      checkBlocklist
      checkZxcvbn
      zxcvbnMinScore
      errorMessage
    }
    ... on ReputationPolicy {
      checkIp
      checkUsername
      threshold
    }
    ... on ExpiryPolicy {
      days
    }
    ... on EventMatcherPolicy {
      action
      clientIp
      app
      model
    }
    ... on DummyPolicy {
      result
      waitMin
      waitMax
    }
  }
`);
