// Words of the student pages.
export default {
  title: "student",
};
