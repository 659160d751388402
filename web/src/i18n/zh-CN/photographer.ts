// Words of the photographer pages.
export default {
  title: "photographer",
};
