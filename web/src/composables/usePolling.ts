// Calls `tick` every `intervalMs`, never twice at once (waits for the previous call), paused
// while the tab is hidden, stopped with the component.
import { onBeforeUnmount, onMounted, ref } from "vue";

export function usePolling(tick: () => Promise<void>, intervalMs: number) {
  const lastRun = ref<Date | null>(null);
  const running = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  async function run(): Promise<void> {
    if (stopped || running.value) return;
    if (timer) clearTimeout(timer);
    timer = null;
    running.value = true;
    try {
      await tick();
      lastRun.value = new Date();
    } catch {
      // the tick shows its own errors; polling goes on
    } finally {
      running.value = false;
      if (!stopped && !document.hidden) timer = setTimeout(run, intervalMs);
    }
  }

  function onVisibility(): void {
    if (!document.hidden && !timer && !running.value) void run();
  }

  onMounted(() => {
    document.addEventListener("visibilitychange", onVisibility);
    void run();
  });
  onBeforeUnmount(() => {
    stopped = true;
    if (timer) clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisibility);
  });
  return { lastRun, running, refresh: run };
}
