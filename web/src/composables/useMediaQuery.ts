// Whether a CSS media query matches now, followed while the component lives: for layouts that
// render differently on a phone (a card list instead of a wide table), not only restyle.
import { onBeforeUnmount, ref, type Ref } from "vue";

/** Element Plus's `md` breakpoint is 992 px: below it a page's wide table turns into cards. */
export const BELOW_MD = "(max-width: 991.98px)";

export function useMediaQuery(query: string): Ref<boolean> {
  const list = window.matchMedia(query);
  const matches = ref(list.matches);
  const update = (): void => {
    matches.value = list.matches;
  };
  list.addEventListener("change", update);
  onBeforeUnmount(() => list.removeEventListener("change", update));
  return matches;
}
