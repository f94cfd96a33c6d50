// The console's forms for the policy kinds. config-kinds.ts lists them
// (and checks them with the stage kinds); graph.TestEveryKindIsWired reads
// this file with it.
import type { AdminPolicyConfigFragment, PolicyConfigInput } from "../gql/graphql";
import type { KindSpecs } from "./config-kinds";
import { eventActions } from "./labels";

/** The policy kinds' forms. */
export const policyKinds = {
  expression: {
    kind: "expression",
    typename: "ExpressionPolicy",
    label: "Expression",
    description: "Passes when a CEL expression evaluates to true.",
    fields: {
      expression: {
        type: "string",
        multiline: true,
        label: "Expression",
        help: 'CEL over user, request, flow, context and application, e.g. user.is_superuser || request.ip.startsWith("10.")',
      },
    },
  },
  password: {
    kind: "password",
    typename: "PasswordPolicy",
    label: "Password",
    description: "Checks a password from prompt_data: length, character classes, a blocklist of common passwords, zxcvbn strength.",
    fields: {
      passwordField: { type: "string", label: "Password field", help: "The prompt_data key holding the password." },
      lengthMin: { type: "int", label: "Minimum length", min: 1 },
      amountDigits: { type: "int", label: "Minimum digits", min: 0 },
      amountUppercase: { type: "int", label: "Minimum upper-case letters", min: 0 },
      amountLowercase: { type: "int", label: "Minimum lower-case letters", min: 0 },
      amountSymbols: { type: "int", label: "Minimum symbols", min: 0 },
      symbolCharset: { type: "string", label: "Symbols" },
      checkBlocklist: { type: "boolean", label: "Refuse common passwords" },
      checkZxcvbn: { type: "boolean", label: "Check strength with zxcvbn" },
      zxcvbnMinScore: { type: "int", label: "Minimum zxcvbn score", help: "0 to 4.", min: 0, max: 4 },
      errorMessage: { type: "string", label: "Error message", help: "Replaces the detailed messages when set." },
    },
  },
  reputation: {
    kind: "reputation",
    typename: "ReputationPolicy",
    label: "Reputation",
    description: "Passes when the reputation of the client address and/or the identifier is at or below the threshold (it fires for bad actors).",
    fields: {
      checkIp: { type: "boolean", label: "Check the client address" },
      checkUsername: { type: "boolean", label: "Check the identifier" },
      threshold: { type: "int", label: "Threshold" },
    },
  },
  expiry: {
    kind: "expiry",
    typename: "ExpiryPolicy",
    label: "Password expiry",
    description: "Fails when the user's password is older than the given number of days.",
    fields: {
      days: { type: "int", label: "Days", min: 1 },
    },
  },
  eventMatcher: {
    kind: "event_matcher",
    typename: "EventMatcherPolicy",
    label: "Event matcher",
    description: "Passes for audit events that meet every condition set; bind it to notification rules.",
    fields: {
      action: {
        type: "enum",
        label: "Action",
        none: "Any action",
        options: eventActions,
      },
      clientIp: { type: "string", label: "Client address range", help: "A CIDR range (10.0.0.0/8) or one address; empty: any." },
      app: { type: "string", label: "App", help: "The component that recorded the event (graph, executor, jobs); empty: any." },
      model: { type: "string", label: "Model", help: "The snake_case model a MODEL_* event names (user, notification_rule); empty: any." },
    },
  },
  dummy: {
    kind: "dummy",
    typename: "DummyPolicy",
    label: "Dummy",
    description: "A policy for tests: a fixed result after an optional random wait.",
    fields: {
      result: { type: "boolean", label: "Pass" },
      waitMin: { type: "int", label: "Minimum wait (ms)", min: 0 },
      waitMax: { type: "int", label: "Maximum wait (ms)", min: 0 },
    },
  },
} satisfies KindSpecs<PolicyConfigInput, AdminPolicyConfigFragment["__typename"]>;
