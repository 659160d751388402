// Words of the ops pages.
export default {
  title: "ops",
};
