// One campus system's delivery log: newest first, older pages on request, a status filter;
// resend one delivery, replay every event since a moment.
import { ref } from "vue";
import { data, subscriptions } from "@/api/clients";
import type { components } from "@/api/generated/subscriptions";
import type { Subscriber } from "./useSubscribers";

export type Delivery = components["schemas"]["DeliveryRead"];
export type DeliveryStatus = Delivery["status"];
export const DELIVERY_STATUSES: DeliveryStatus[] = ["pending", "delivered", "failed"];
const PAGE = 50;

export function useDeliveries(subscriberId: string) {
  const subscriber = ref<Subscriber | null>(null);
  const rows = ref<Delivery[]>([]);
  const next = ref<string | null>(null);
  const status = ref<DeliveryStatus | "">("");
  const loading = ref(false);
  const path = { subscriber_id: subscriberId };

  async function page(after: string | null): Promise<{ items: Delivery[]; next: string | null }> {
    const query = { status: status.value || undefined, after: after ?? undefined, limit: PAGE };
    return data(await subscriptions.GET("/v1/subscribers/{subscriber_id}/deliveries", { params: { path, query } }));
  }

  /** The newest page again (what polling calls); older pages loaded by hand are kept. */
  async function load(): Promise<void> {
    loading.value = true;
    try {
      if (!subscriber.value) subscriber.value = data(await subscriptions.GET("/v1/subscribers/{subscriber_id}", { params: { path } }));
      const first = await page(null);
      const older = rows.value.length > PAGE ? rows.value.slice(PAGE) : [];
      const seen = new Set(first.items.map((d) => d.delivery_id));
      rows.value = [...first.items, ...older.filter((d) => !seen.has(d.delivery_id))];
      if (!older.length) next.value = first.next;
    } finally {
      loading.value = false;
    }
  }

  async function loadOlder(): Promise<void> {
    if (!next.value) return;
    const more = await page(next.value);
    rows.value = [...rows.value, ...more.items];
    next.value = more.next;
  }

  async function filter(): Promise<void> {
    rows.value = [];
    next.value = null;
    await load();
  }

  async function resend(d: Delivery): Promise<void> {
    await subscriptions.POST("/v1/deliveries/{delivery_id}/resend", { params: { path: { delivery_id: d.delivery_id } } });
    await load();
  }

  async function replay(since: string): Promise<number> {
    const queued = data(await subscriptions.POST("/v1/subscribers/{subscriber_id}/replay", { params: { path }, body: { since } })).queued;
    await load();
    return queued;
  }

  return { subscriber, rows, next, status, loading, load, loadOlder, filter, resend, replay };
}
