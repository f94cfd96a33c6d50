// How second-factor device classes are named, on the settings page and in
// the console.

/** A device class's name (AuthenticatorDevice.deviceClass). */
export const deviceClassLabels: Record<string, string> = {
  TOTP: "Authenticator app",
  STATIC: "Recovery codes",
  WEBAUTHN: "Passkey or security key",
  EMAIL: "Code by mail",
};
