// The signed-in user's notifications (stored by LOCAL notification
// transports): a bell in the header with the number of unseen ones, and a
// panel listing the latest. New notifications arrive live
// (notificationCreated); opening the panel marks the ones it shows seen.
import { useEffect, useState } from "preact/hooks";
import { graphql } from "../gql";
import type { BellNotificationFieldsFragment } from "../gql/graphql";
import { request, subscribe } from "./graphql";
import "./notifications.css";

graphql(`
  fragment BellNotificationFields on Notification {
    id
    rule
    severity
    body
    seen
    createdAt
  }
`);

const BellNotifications = graphql(`
  query BellNotifications($first: Int!) {
    viewer {
      notifications(first: $first) {
        edges {
          node {
            ...BellNotificationFields
          }
        }
      }
      unseen: notifications(first: 0, unseenOnly: true) {
        totalCount
      }
    }
  }
`);

const BellNotificationCreated = graphql(`
  subscription BellNotificationCreated {
    notificationCreated {
      id
    }
  }
`);

const BellMarkSeen = graphql(`
  mutation BellMarkSeen($ids: [ID!]!) {
    markNotificationsSeen(ids: $ids) {
      id
    }
  }
`);

/** How many notifications the panel shows. */
const shown = 20;

type Item = BellNotificationFieldsFragment;

/** The header's notification bell, for a signed-in user. */
export function NotificationBell() {
  const [items, setItems] = useState<Item[]>([]);
  const [unseen, setUnseen] = useState(0);
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    // The list and the unseen count are loaded again whenever a new
    // notification is announced: one the subscription missed (before the
    // server registered it, or while it reconnected) is then counted too.
    let current = true;
    let latest = 0; // only the newest load's answer counts
    const load = () => {
      const seq = ++latest;
      return request(BellNotifications, { first: shown }).then(
        (d) => {
          if (!current || seq !== latest) return;
          setItems((d.viewer.notifications.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])));
          setUnseen(d.viewer.unseen.totalCount);
        },
        () => current && setFailed(true),
      );
    };
    const stop = subscribe(BellNotificationCreated, {}, { next: () => void load(), error: () => setFailed(true) });
    void load();
    return () => {
      current = false;
      stop();
    };
  }, []);

  const toggle = () => {
    const opening = !open;
    setOpen(opening);
    const ids = items.filter((i) => !i.seen).map((i) => i.id);
    if (!opening || ids.length === 0) return;
    request(BellMarkSeen, { ids }).then(
      (d) => {
        const marked = new Set(d.markNotificationsSeen.map((m) => m.id));
        setItems((list) => list.map((i) => (marked.has(i.id) ? { ...i, seen: true } : i)));
        setUnseen((u) => Math.max(0, u - marked.size));
      },
      () => setFailed(true),
    );
  };

  const label = unseen > 0 ? `Notifications, ${unseen} unseen` : "Notifications";
  return (
    <div class="bell">
      <button type="button" class="button button--small bell__button" aria-expanded={open} aria-label={label} onClick={toggle} data-testid="notification-bell">
        Notifications
        {unseen > 0 && (
          <span class="bell__count" data-testid="notification-count" aria-hidden="true">
            {unseen}
          </span>
        )}
      </button>
      {open && (
        <div class="bell__panel" role="region" aria-label="Notifications" data-testid="notification-panel">
          {failed && <p class="bell__empty">Notifications could not be loaded; reload the page.</p>}
          {!failed && items.length === 0 && <p class="bell__empty">No notifications.</p>}
          <ul class="bell__list">
            {items.map((n) => (
              <li key={n.id} class={`bell__item bell__item--${n.severity.toLowerCase()}`} data-testid="notification">
                <strong>{n.rule}</strong>
                <span>{n.body}</span>
                <time dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleString()}</time>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
