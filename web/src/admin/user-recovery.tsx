// Sending a user a recovery link from the console's user page: the link
// resumes the brand's recovery flow after its email step, so the person
// still confirms their second factor and then sets a new password.
import { useState } from "preact/hooks";
import { graphql } from "../gql";
import { request } from "../lib/graphql";
import { ErrorAlert, useAction } from "./ui";

const AdminSendRecoveryLink = graphql(`
  mutation AdminSendRecoveryLink($id: ID!) {
    sendRecoveryLink(userID: $id) {
      sentTo
      expiresAt
    }
  }
`);

export function SendRecoveryLink({ userId, username }: { userId: string; username: string }) {
  const action = useAction();
  const [sentTo, setSentTo] = useState<string>();
  return (
    <div class="admin-form-actions" data-testid="send-recovery-link">
      <ErrorAlert error={action.error} title="The recovery link was not sent." />
      <button
        type="button"
        class="button"
        disabled={action.busy}
        onClick={() => {
          if (!window.confirm(`Send ${username} an email with a link to set a new password?`)) return;
          setSentTo(undefined);
          void action.run(async () => {
            const d = await request(AdminSendRecoveryLink, { id: userId });
            setSentTo(d.sendRecoveryLink.sentTo);
          });
        }}
      >
        Send recovery link
      </button>
      <p role="status" aria-live="polite">
        {sentTo && `Sent to ${sentTo}`}
      </p>
    </div>
  );
}
