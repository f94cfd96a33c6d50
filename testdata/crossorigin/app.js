// A single-page app on another origin than Gatehouse's, as docs/clients.md
// ("Browser apps on another origin") tells integrators to write it: plain
// fetch with credentials: "include", so the browser keeps the session
// cookie the login sets and sends it back; the subscription is
// graphql-sse's protocol (a POST answered with text/event-stream) read
// from the fetch's body. The page's URL carries what the test gives it:
// ?api=<Gatehouse's URL>&username=...&password=...

const params = new URL(location.href).searchParams;
const endpoint = `${params.get("api")}/graphql`;

const EXECUTION = `
  fragment Execution on FlowExecution {
    id
    completed
    step
    challenge {
      __typename
      ... on FlowChallenge { errors { field code } }
    }
  }
`;
const START_FLOW = `mutation StartFlow($slug: String!) { startFlow(slug: $slug) { ...Execution } } ${EXECUTION}`;
const SUBMIT_CHALLENGE = `
  mutation SubmitChallenge($id: ID!, $response: ChallengeResponseInput!, $step: Int) {
    submitChallenge(executionId: $id, response: $response, step: $step) { ...Execution }
  }
  ${EXECUTION}
`;
const VIEWER = `query Viewer { viewer { authMethod user { username } } }`;
const EXPORT_FLOW = `query ExportFlow($slug: String!) { exportFlow(slug: $slug) }`;
const FLOW_EXECUTION = `subscription FlowExecution($id: ID!) { flowExecution(id: $id) { ...Execution } } ${EXECUTION}`;

/** Shows text in the element with id. */
function show(id, text) {
  document.getElementById(id).textContent = text;
}

/** Posts one query or mutation with the browser's cookies; returns the whole result. */
async function request(query, variables) {
  const response = await fetch(endpoint, {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/** Runs an operation that must succeed and returns its data. */
async function must(query, variables) {
  const { data, errors } = await request(query, variables);
  if (errors) throw new Error(`${errors[0].extensions?.code}: ${errors[0].message}`);
  return data;
}

/**
 * Subscribes over graphql-sse's protocol ("distinct connections" mode):
 * yields each pushed result until signal aborts.
 */
async function* subscribe(query, variables, signal) {
  const response = await fetch(endpoint, {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = message.split("\n");
      const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).join("\n");
      if (event === "complete") return;
      if (event === "next") yield JSON.parse(data);
    }
  }
}

async function main() {
  const submit = async (execution, response) =>
    (await must(SUBMIT_CHALLENGE, { id: execution.id, step: execution.step, response })).submitChallenge;

  let execution = (await must(START_FLOW, { slug: "default-authentication-flow" })).startFlow;

  const stop = new AbortController();
  const pushes = subscribe(FLOW_EXECUTION, { id: execution.id }, stop.signal);
  const seen = [];
  const nextPush = async () => {
    const { value } = await pushes.next();
    seen.push(value.data.flowExecution.challenge.__typename);
    show("pushes", seen.join(" → "));
    return value.data.flowExecution;
  };
  await nextPush(); // pushed at once

  execution = await submit(execution, { identification: { uidField: "" } });
  const [fieldError] = execution.challenge.errors;
  show("field-error", `${fieldError.field} ${fieldError.code}`);
  await nextPush(); // the retry

  execution = await submit(execution, { identification: { uidField: params.get("username") } });
  await nextPush(); // the password challenge this page caused
  execution = await submit(execution, { password: { password: params.get("password") } });
  show("login", execution.completed ? "completed" : execution.challenge.__typename);
  await nextPush(); // the end of the login
  stop.abort();

  const { viewer } = await must(VIEWER);
  show("viewer", `${viewer.user?.username} ${viewer.authMethod}`);

  const refused = await request(EXPORT_FLOW, { slug: "no-such-flow" });
  show("error-code", refused.errors[0].extensions.code);
  show("status", "done");
}

main().catch((err) => {
  show("failure", `${err.name}: ${err.message}`);
  show("status", "failed");
});
