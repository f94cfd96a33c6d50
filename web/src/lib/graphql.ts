// The app's only way to the server: GraphQL over fetch for queries and
// mutations, graphql-ws (graphql-transport-ws) for subscriptions. Both go to
// /graphql on the page's own origin and carry the session cookie.
import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "../gql/graphql";

export const endpoint = "/graphql";

/** One error of a GraphQL response, as the server reports it. */
export interface ServerError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * A request that failed: a GraphQL error (code is its stable
 * extensions.code) or a transport failure (code NETWORK).
 */
export class RequestError extends Error {
  readonly code: string;
  readonly errors: ServerError[];
  constructor(message: string, code: string, errors: ServerError[] = []) {
    super(message);
    this.name = "RequestError";
    this.code = code;
    this.errors = errors;
  }
}

/** Codes the UI treats specially. */
export const codes = {
  network: "NETWORK",
  unauthenticated: "UNAUTHENTICATED",
  forbidden: "FORBIDDEN",
  notFound: "NOT_FOUND",
  wrongStage: "WRONG_STAGE",
  staleExecution: "STALE_EXECUTION",
  referenced: "REFERENCED",
  mfaRequired: "MFA_REQUIRED",
} as const;

function fromErrors(errors: ServerError[]): RequestError {
  const first = errors[0];
  return new RequestError(first?.message ?? "The request failed.", first?.extensions?.code ?? "UNKNOWN", errors);
}

/**
 * Runs a query or mutation. It resolves with the data when the response has
 * no errors, and rejects with a RequestError otherwise: a partial result is
 * treated as a failure, so that the UI never shows half an answer.
 */
export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new RequestError("Gatehouse cannot be reached. Check your connection and try again.", codes.network);
  }
  let body: { data?: TResult | null; errors?: ServerError[] };
  try {
    body = await response.json();
  } catch {
    throw new RequestError(`Gatehouse answered with an unexpected response (HTTP ${response.status}).`, codes.network);
  }
  if (body.errors?.length) throw fromErrors(body.errors);
  if (body.data == null) throw new RequestError("Gatehouse answered without data.", "UNKNOWN");
  return body.data;
}

let wsClient: Client | undefined;

function client(): Client {
  if (!wsClient) {
    const url = new URL(endpoint, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    wsClient = createClient({
      url: url.toString(),
      lazy: true,
      // Reconnect for as long as the page is open: a server restart or a
      // dropped connection must not leave the page deaf.
      retryAttempts: Infinity,
      shouldRetry: () => true,
    });
  }
  return wsClient;
}

/** Receives a subscription's results. */
export interface Sink<T> {
  next(data: T): void;
  error?(error: RequestError): void;
}

/**
 * Starts a subscription and returns the function that ends it. Results with
 * errors end up in sink.error; the subscription goes on through reconnects.
 */
export function subscribe<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  sink: Sink<TResult>,
): () => void {
  return client().subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) sink.error?.(fromErrors(result.errors as ServerError[]));
        else if (result.data) sink.next(result.data);
      },
      error: (err) => {
        const errors = Array.isArray(err) ? (err as ServerError[]) : [];
        sink.error?.(errors.length ? fromErrors(errors) : new RequestError("The live connection failed.", codes.network));
      },
      complete: () => {},
    },
  );
}

/** A message for any failure, for the places that show one line. */
export function messageOf(err: unknown): string {
  if (err instanceof RequestError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
