// Human labels for the API's enums. Each map is a Record over the generated
// enum type, so a value added to the schema fails the build until labelled.
import type {
  AuthenticationRequirement,
  ClientType,
  DeniedAction,
  EventAction,
  FlowDesignation,
  FlowLayout,
  InvalidResponseAction,
  PolicyEngineMode,
  RedirectUriMatchingMode,
  SigningAlgorithm,
  SubjectMode,
  UserType,
} from "../gql/graphql";

export const designations: Record<FlowDesignation, string> = {
  AUTHENTICATION: "Authentication",
  AUTHORIZATION: "Authorization",
  INVALIDATION: "Invalidation (log out)",
  ENROLLMENT: "Enrollment (sign up)",
  UNENROLLMENT: "Unenrollment",
  RECOVERY: "Recovery",
  STAGE_CONFIGURATION: "Stage configuration",
};

export const authentications: Record<AuthenticationRequirement, string> = {
  NONE: "Anyone",
  REQUIRE_AUTHENTICATED: "Signed-in users",
  REQUIRE_UNAUTHENTICATED: "Anonymous visitors only",
  REQUIRE_SUPERUSER: "Administrators",
  REQUIRE_REDIRECT: "Only when entered from another flow",
  REQUIRE_OUTPOST: "Only outposts",
};

export const layouts: Record<FlowLayout, string> = {
  STACKED: "Stacked",
  CONTENT_LEFT: "Content left",
  CONTENT_RIGHT: "Content right",
  SIDEBAR_LEFT: "Sidebar left",
  SIDEBAR_RIGHT: "Sidebar right",
  SIDEBAR_LEFT_FRAME_BACKGROUND: "Sidebar left, framed background",
  SIDEBAR_RIGHT_FRAME_BACKGROUND: "Sidebar right, framed background",
};

export const deniedActions: Record<DeniedAction, string> = {
  MESSAGE_CONTINUE: "Continue to a relative next URL, else show the message",
  MESSAGE: "Always show the denial message",
  CONTINUE: "Never show a message: continue to next, else home",
};

export const engineModes: Record<PolicyEngineMode, string> = {
  ALL: "All bindings must pass",
  ANY: "At least one binding must pass",
};

export const invalidResponseActions: Record<InvalidResponseAction, string> = {
  RETRY: "Show the challenge again with errors",
  RESTART: "Restart the flow",
  RESTART_WITH_CONTEXT: "Restart the flow, keeping its context",
};

export const userTypes: Record<UserType, string> = {
  INTERNAL: "Internal",
  EXTERNAL: "External",
  SERVICE_ACCOUNT: "Service account",
};


export const clientTypes: Record<ClientType, string> = {
  CONFIDENTIAL: "Confidential",
  PUBLIC: "Public",
};

export const subjectModes: Record<SubjectMode, string> = {
  HASHED_USER_ID: "Hashed user ID",
  USER_ID: "User ID",
  USERNAME: "Username",
  EMAIL: "Email address",
};

export const signingAlgorithms: Record<SigningAlgorithm, string> = {
  RS256: "RS256 (RSA)",
  ES256: "ES256 (ECDSA P-256)",
};

export const matchingModes: Record<RedirectUriMatchingMode, string> = {
  STRICT: "Strict (the exact URI)",
  REGEX: "Regular expression",
};

export const eventActions: Record<EventAction, string> = {
  LOGIN: "Login",
  LOGIN_FAILED: "Login failed",
  LOGOUT: "Logout",
  USER_WRITE: "User write",
  SUSPICIOUS_REQUEST: "Suspicious request",
  PASSWORD_SET: "Password set",
  SECRET_ROTATE: "Secret rotate",
  INVITATION_USED: "Invitation used",
  AUTHORIZE_APPLICATION: "Authorize application",
  FLOW_EXECUTION: "Flow execution denied",
  POLICY_EXECUTION: "Policy execution",
  POLICY_EXCEPTION: "Policy exception",
  SYSTEM_TASK_EXCEPTION: "System task exception",
  SYSTEM_EXCEPTION: "System exception",
  CONFIGURATION_ERROR: "Configuration error",
  MODEL_CREATED: "Model created",
  MODEL_UPDATED: "Model updated",
  MODEL_DELETED: "Model deleted",
  EMAIL_SENT: "Email sent",
  MFA_DEVICE_ADDED: "MFA device added",
  MFA_DEVICE_REMOVED: "MFA device removed",
  RECOVERY_LINK_SENT: "Recovery link sent",
  SESSION_REVOKED: "Sessions revoked",
};
