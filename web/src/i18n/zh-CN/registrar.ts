// Words of the registrar pages.
export default {
  title: "registrar",
};
