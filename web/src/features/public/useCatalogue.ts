// The public event catalogue (GET /api/subscriptions/v1/catalogue), loaded once per page
// visit: the portal's catalogue page and the admin's event-type picker read the same.
import { computed, ref } from "vue";
import { data, subscriptions } from "@/api/clients";
import type { components } from "@/api/generated/subscriptions";
import { groupByProducer } from "@/lib/eventTypes";

export type Catalogue = components["schemas"]["Catalogue"];
export type CatalogueEvent = components["schemas"]["CatalogueEvent"];

export function useCatalogue() {
  const catalogue = ref<Catalogue | null>(null);
  const loading = ref(false);
  const groups = computed(() => groupByProducer(catalogue.value?.events ?? []));

  async function load(): Promise<void> {
    loading.value = true;
    try {
      catalogue.value = data(await subscriptions.GET("/v1/catalogue"));
    } finally {
      loading.value = false;
    }
  }

  return { catalogue, groups, loading, load };
}
