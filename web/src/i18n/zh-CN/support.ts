// Words of the support pages.
export default {
  title: "support",
};
