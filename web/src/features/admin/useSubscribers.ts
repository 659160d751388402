// Campus systems (subscribers) for the admin and a registrar: the list, register, change,
// rotate the webhook secret, ping, delete. Secrets come back once and are handed to the page.
import { ref } from "vue";
import { data, subscriptions } from "@/api/clients";
import type { components } from "@/api/generated/subscriptions";

export type Subscriber = components["schemas"]["SubscriberRead"];
export type SubscriberCreate = components["schemas"]["SubscriberCreate"];
export type SubscriberUpdate = components["schemas"]["SubscriberUpdate"];
export type SubscriberCreated = components["schemas"]["SubscriberCreated"];
export type SecretRotated = components["schemas"]["SecretRotated"];

const at = (s: Subscriber) => ({ params: { path: { subscriber_id: s.subscriber_id } } });

/** What a row's status tag says: on, off (and why), or on but failing since a moment. */
export function stateOf(s: Subscriber): "enabled" | "failing" | "disabled" {
  if (!s.enabled) return "disabled";
  return s.failing_since ? "failing" : "enabled";
}

export function useSubscribers() {
  const page = ref(1);
  const pageSize = 20;
  const rows = ref<Subscriber[]>([]);
  const total = ref(0);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const answer = data(await subscriptions.GET("/v1/subscribers", { params: { query: { limit: pageSize, offset: (page.value - 1) * pageSize } } }));
      rows.value = answer.items;
      total.value = answer.total;
    } finally {
      loading.value = false;
    }
  }

  async function create(body: SubscriberCreate): Promise<SubscriberCreated> {
    const made = data(await subscriptions.POST("/v1/subscribers", { body }));
    await load();
    return made;
  }

  async function update(s: Subscriber, body: SubscriberUpdate): Promise<void> {
    await subscriptions.PATCH("/v1/subscribers/{subscriber_id}", { ...at(s), body });
    await load();
  }

  async function rotate(s: Subscriber): Promise<SecretRotated> {
    return data(await subscriptions.POST("/v1/subscribers/{subscriber_id}/rotate-secret", at(s)));
  }

  async function ping(s: Subscriber): Promise<void> {
    await subscriptions.POST("/v1/subscribers/{subscriber_id}/ping", at(s));
  }

  async function remove(s: Subscriber): Promise<void> {
    await subscriptions.DELETE("/v1/subscribers/{subscriber_id}", at(s));
    await load();
  }

  return { page, pageSize, rows, total, loading, load, create, update, rotate, ping, remove };
}
