// Words of the admin pages.
export default {
  title: "admin",
};
