// Words of the college pages.
export default {
  title: "college",
};
