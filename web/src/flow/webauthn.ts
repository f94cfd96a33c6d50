// The browser's WebAuthn API for the flow pages: the server sends the
// options of navigator.credentials.create / .get as JSON with binary
// members in base64url, and takes the credential back as JSON in the same
// encoding (PublicKeyCredential.toJSON()). This module converts both ways,
// and turns the browser's refusals into messages people understand.
// authenticator-webauthn.tsx registers with it; the login side (.get)
// reuses getAssertion.

/** Decodes base64url (with or without padding) into an ArrayBuffer. */
export function fromBase64url(s: string): ArrayBuffer {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64 + "===".slice((b64.length + 3) % 4);
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** Encodes bytes as base64url without padding. */
export function toBase64url(buf: ArrayBuffer | ArrayBufferView): string {
  const bytes = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

interface DescriptorJSON {
  id: string;
  type: PublicKeyCredentialType;
  transports?: AuthenticatorTransport[];
}

function descriptors(list: DescriptorJSON[] | undefined): PublicKeyCredentialDescriptor[] | undefined {
  return list?.map((d) => ({ ...d, id: fromBase64url(d.id) }));
}

/** The options of navigator.credentials.create from the server's JSON ({"publicKey": …}). */
export function creationOptions(json: string): CredentialCreationOptions {
  const { publicKey: pk } = JSON.parse(json) as { publicKey: Record<string, unknown> };
  const user = pk.user as { id: string; name: string; displayName: string };
  return {
    publicKey: {
      ...(pk as unknown as PublicKeyCredentialCreationOptions),
      challenge: fromBase64url(pk.challenge as string),
      user: { ...user, id: fromBase64url(user.id) },
      excludeCredentials: descriptors(pk.excludeCredentials as DescriptorJSON[] | undefined) ?? [],
    },
  };
}

/** The options of navigator.credentials.get from the server's JSON ({"publicKey": …, "mediation"?}). */
export function requestOptions(json: string): CredentialRequestOptions {
  const { publicKey: pk, mediation } = JSON.parse(json) as { publicKey: Record<string, unknown>; mediation?: CredentialMediationRequirement };
  return {
    ...(mediation ? { mediation } : {}),
    publicKey: {
      ...(pk as unknown as PublicKeyCredentialRequestOptions),
      challenge: fromBase64url(pk.challenge as string),
      allowCredentials: descriptors(pk.allowCredentials as DescriptorJSON[] | undefined) ?? [],
    },
  };
}

/** A credential as JSON (PublicKeyCredential.toJSON(), written out for browsers without it). */
export function credentialJSON(cred: PublicKeyCredential): string {
  const r = cred.response;
  const response: Record<string, unknown> = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if ("attestationObject" in r) {
    const a = r as AuthenticatorAttestationResponse;
    response.attestationObject = toBase64url(a.attestationObject);
    response.transports = typeof a.getTransports === "function" ? a.getTransports() : [];
  } else {
    const a = r as AuthenticatorAssertionResponse;
    response.authenticatorData = toBase64url(a.authenticatorData);
    response.signature = toBase64url(a.signature);
    if (a.userHandle) response.userHandle = toBase64url(a.userHandle);
  }
  return JSON.stringify({
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    response,
    clientExtensionResults: cred.getClientExtensionResults(),
  });
}

/** Whether this browser has the WebAuthn API at all. */
export function supported(): boolean {
  return typeof window !== "undefined" && "PublicKeyCredential" in window && !!navigator.credentials;
}

/** A refusal of the browser's, as a message for the person. */
export class WebAuthnError extends Error {}

function explain(e: unknown, creating: boolean): WebAuthnError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : "";
  switch (name) {
    case "NotAllowedError":
    case "AbortError":
      return new WebAuthnError(
        creating
          ? "No passkey was created: the request was cancelled, timed out or not allowed. Try again."
          : "No passkey was used: the request was cancelled, timed out or not allowed. Try again.",
      );
    case "InvalidStateError":
      return new WebAuthnError(
        creating ? "This authenticator is already registered for your account. Use another one." : "This passkey cannot be used here.",
      );
    case "SecurityError":
      return new WebAuthnError("This page cannot use passkeys: it must be served over HTTPS from its own domain.");
    case "NotSupportedError":
      return new WebAuthnError("Your browser or authenticator does not support what this passkey needs.");
    case "ConstraintError":
      return new WebAuthnError("Your authenticator cannot meet this site's requirements (for example, a PIN or a fingerprint).");
    default:
      return new WebAuthnError(creating ? "The browser could not create a passkey. Try again." : "The browser could not use a passkey. Try again.");
  }
}

/** Creates a credential from the server's options; resolves to its JSON. Throws a WebAuthnError. */
export async function createCredential(optionsJSON: string): Promise<string> {
  if (!supported()) throw new WebAuthnError("This browser does not support passkeys.");
  let cred: Credential | null;
  try {
    cred = await navigator.credentials.create(creationOptions(optionsJSON));
  } catch (e) {
    throw explain(e, true);
  }
  if (!cred) throw new WebAuthnError("No passkey was created. Try again.");
  return credentialJSON(cred as PublicKeyCredential);
}

/** Gets an assertion with the server's options; resolves to its JSON. Throws a WebAuthnError. */
export async function getAssertion(optionsJSON: string): Promise<string> {
  if (!supported()) throw new WebAuthnError("This browser does not support passkeys.");
  let cred: Credential | null;
  try {
    cred = await navigator.credentials.get(requestOptions(optionsJSON));
  } catch (e) {
    throw explain(e, false);
  }
  if (!cred) throw new WebAuthnError("No passkey was used. Try again.");
  return credentialJSON(cred as PublicKeyCredential);
}
