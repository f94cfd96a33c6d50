// The console's forms for the stage kinds of accounts: second factors
// (authenticator setup and validation), the email link and invitations.
// config-kinds.ts spreads them into its stage kinds (and checks them with
// the rest); graph.TestEveryKindIsWired reads this file with it.
import type {
  AdminStageConfigFragment,
  DeviceClass,
  EmailTemplate,
  NotConfiguredAction,
  StageConfigInput,
  WebauthnAuthenticatorAttachment,
  WebauthnResidentKey,
  WebauthnUserVerification,
} from "../gql/graphql";
import type { KindSpecs } from "./config-kinds";

/** The account stage kinds' forms. */
export const accountStageKinds = {
  authenticatorTotp: {
    kind: "authenticator_totp",
    typename: "AuthenticatorTotpStage",
    label: "Authenticator app (TOTP) setup",
    description:
      "Sets up an authenticator app for the signed-in user: shows a QR code and saves the device once a code from the app verifies. Put it in a stage configuration flow.",
    fields: {
      digits: { type: "int", label: "Digits per code", help: "6 or 8; most apps show 6.", min: 6, max: 8 },
      friendlyName: { type: "string", label: "Device name", help: "The name a new device is saved with." },
    },
  },
  authenticatorEmail: {
    kind: "authenticator_email",
    typename: "AuthenticatorEmailStage",
    label: "Codes by email setup",
    description:
      "Sets up codes by email for the signed-in user: sends a code to the account's address (or first asks for one) and saves the device once that code comes back. Put it in a stage configuration flow.",
    fields: {
      friendlyName: { type: "string", label: "Device name", help: "The name a new device is saved with." },
      tokenExpiry: { type: "int", label: "Code lifetime (seconds)", help: "How long a code is accepted: 60 to 86400.", min: 60, max: 86400 },
    },
  },
  authenticatorWebauthn: {
    kind: "authenticator_webauthn",
    typename: "AuthenticatorWebauthnStage",
    label: "Passkey (WebAuthn) setup",
    description:
      "Registers a passkey or a security key for the signed-in user: saves the device once the browser's credential verifies. Put it in a stage configuration flow.",
    fields: {
      userVerification: {
        type: "enum",
        label: "User verification",
        help: "Whether the authenticator must check a PIN, fingerprint or face, not only that someone is present.",
        options: {
          REQUIRED: "Required",
          PREFERRED: "Preferred",
          DISCOURAGED: "Discouraged",
        } satisfies Record<WebauthnUserVerification, string>,
      },
      residentKeyRequirement: {
        type: "enum",
        label: "Discoverable credential (passkey)",
        help: "Required for passkeys that log in without a username.",
        options: {
          REQUIRED: "Required",
          PREFERRED: "Preferred",
          DISCOURAGED: "Discouraged",
        } satisfies Record<WebauthnResidentKey, string>,
      },
      authenticatorAttachment: {
        type: "enum",
        label: "Authenticator kind",
        none: "Any",
        options: {
          PLATFORM: "Built into the device",
          CROSS_PLATFORM: "Security key or phone",
        } satisfies Record<WebauthnAuthenticatorAttachment, string>,
      },
      friendlyName: { type: "string", label: "Device name", help: "The name a new device gets when the user gives none." },
    },
  },
  email: {
    kind: "email",
    typename: "EmailStage",
    label: "Email link",
    description:
      "Mails the pending user a link and waits until it is opened and confirmed; the flow goes on on the device that opened it. For sign-up verification and account recovery.",
    fields: {
      template: {
        type: "enum",
        label: "Mail",
        options: { VERIFICATION: "Verify the address", RECOVERY: "Recover the account" } satisfies Record<EmailTemplate, string>,
      },
      tokenExpiry: { type: "int", label: "Link valid for (seconds)", help: "60 seconds to 7 days.", min: 60, max: 604800 },
      activateUserOnSuccess: { type: "boolean", label: "Activate the user when the link is used" },
      singleUse: { type: "boolean", label: "A link works once" },
      resendLimit: { type: "int", label: "Resends per flow", help: "How many times the mail may be sent again.", min: 0, max: 20 },
    },
  },
  authenticatorStatic: {
    kind: "authenticator_static",
    typename: "AuthenticatorStaticStage",
    label: "Recovery codes setup",
    description:
      "Gives the user a new set of recovery codes, shown once with copy and download, and saves them hashed once the user confirms; replaces earlier codes. Put it in a stage configuration flow, or name it as a configuration stage of an authenticator validation stage.",
    fields: {
      tokenCount: { type: "int", label: "Number of codes", help: "1 to 50.", min: 1, max: 50 },
      friendlyName: { type: "string", label: "Name", help: "The name a new set is saved with." },
    },
  },
  authenticatorValidate: {
    kind: "authenticator_validate",
    typename: "AuthenticatorValidateStage",
    label: "Authenticator validation (MFA)",
    description:
      "The second factor of a login: asks for a code from the user's authenticator app or a recovery code, or for their passkey or security key. Failures count toward the same lockout as passwords. Put it after the password stage. In a flow without identification (a passwordless flow, linked from the identification stage) it asks for a passkey alone, which identifies the user.",
    fields: {
      deviceClasses: {
        type: "enumList",
        label: "Accepted device classes",
        options: {
          TOTP: "Authenticator app (TOTP)",
          STATIC: "Recovery codes",
          WEBAUTHN: "Security key or passkey",
          EMAIL: "Code by mail",
        } satisfies Record<DeviceClass, string>,
      },
      notConfiguredAction: {
        type: "enum",
        label: "Users without a device",
        options: {
          SKIP: "Pass them",
          DENY: "Deny them",
          CONFIGURE: "Have them set one up",
        } satisfies Record<NotConfiguredAction, string>,
      },
      configurationStageIDs: {
        type: "refList",
        target: "stage",
        label: "Setup stages",
        help: "For users without a device: the first one is run.",
        when: { field: "notConfiguredAction", in: ["CONFIGURE"] },
      },
      lastAuthThreshold: {
        type: "int",
        label: "Skip if used within (seconds)",
        help: "A user whose device was used this recently passes without a code; 0 always asks.",
        min: 0,
      },
      webauthnUserVerification: {
        type: "enum",
        label: "Passkey user verification",
        help: "Whether a passkey or security key must check a PIN, fingerprint or face, not only that someone is present.",
        options: {
          REQUIRED: "Required",
          PREFERRED: "Preferred",
          DISCOURAGED: "Discouraged",
        } satisfies Record<WebauthnUserVerification, string>,
      },
    },
  },
  invitation: {
    kind: "invitation",
    typename: "InvitationStage",
    label: "Invitation",
    description:
      "Checks the sign-up's invitation (the link's itoken, or a prompt answer named token): a valid one is spent and its fixed data becomes answers nobody may change; an invalid one denies.",
    fields: {
      continueFlowWithoutInvitation: {
        type: "boolean",
        label: "Continue without an invitation",
        help: "Open sign-up: without a token the flow goes on. An invalid token always denies.",
      },
    },
  },
} satisfies Partial<KindSpecs<StageConfigInput, AdminStageConfigFragment["__typename"]>>;
