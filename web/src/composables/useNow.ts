// The current time as a ref that ticks (countdowns), stopped with the component.
import { onBeforeUnmount, ref } from "vue";

export function useNow(intervalMs = 1000) {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), intervalMs);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
