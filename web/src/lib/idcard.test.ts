import { describe, expect, it } from "vitest";
import { checkDigit, checkIdNumber, checkResidentId, parseResidentId } from "./idcard";

const valid = (first17: string) => first17 + checkDigit(first17);

describe("resident ID numbers", () => {
  it("computes the MOD 11-2 check digit, X included", () => {
    expect(checkDigit("11010519491231002")).toBe("X");
    expect(valid("44052418800101001")).toBe("440524188001010014");
  });
  it("reads birth date and gender from a valid number", () => {
    expect(parseResidentId(valid("11010120030303002"))).toEqual({
      number: valid("11010120030303002"),
      birthDate: "2003-03-03",
      gender: "female",
    });
    expect(parseResidentId(valid("11010120030303001"))?.gender).toBe("male");
  });
  it("accepts a lower-case x, full-width digits and spaces", () => {
    expect(parseResidentId("110105 19491231002x")?.number).toBe("11010519491231002X");
    expect(parseResidentId("１１０１０５１９４９１２３１００２X")).not.toBeNull();
  });
  it("refuses wrong check digits, lengths, regions and impossible dates", () => {
    expect(checkResidentId("110105194912310021")).toBe("id_number_invalid");
    expect(checkResidentId("11010519491231002")).toBe("id_number_invalid");
    expect(checkResidentId(valid("91010120030303002"))).toBe("id_number_invalid");
    expect(checkResidentId(valid("11010120030230002"))).toBe("id_number_invalid");
    expect(checkResidentId(valid("11010118800101002"))).toBe("id_number_invalid");
  });
  it("checks agreement with the birth date and the gender", () => {
    const id = valid("11010120030303002");
    expect(checkResidentId(id, "2003-03-03", "female")).toBeNull();
    expect(checkResidentId(id, "2003-03-04", "female")).toBe("birth_date_mismatch");
    expect(checkResidentId(id, "2003-03-03", "male")).toBe("gender_mismatch");
  });
  it("checks other ID types by shape only", () => {
    expect(checkIdNumber("passport", "E12345678")).toBeNull();
    expect(checkIdNumber("passport", "E1")).toBe("id_number_invalid");
    expect(checkIdNumber("passport", "E123-456")).toBe("id_number_invalid");
  });
});
