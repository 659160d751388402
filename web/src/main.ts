// The composition root of the portal: i18n, router, styles; nothing runs at import elsewhere.
import "element-plus/dist/index.css";
import "./styles.css";
import { createApp } from "vue";
import { handleUnauthenticated } from "@/api/clients";
import { i18n } from "@/i18n";
import App from "./App.vue";
import { createAppRouter } from "./router";

const router = createAppRouter();
handleUnauthenticated(() => {
  const here = router.currentRoute.value;
  if (here.name !== "login") void router.push({ name: "login", query: { next: here.fullPath, expired: "1" } });
});
document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(i18n).use(router).mount("#app");
