import { describe, expect, it } from "vitest";
import { delayParts, eventLabel, groupByProducer, parseEventType } from "./eventTypes";

describe("event types", () => {
  it("splits a type into producer, name and version", () => {
    expect(parseEventType("jiaodui.photos.PhotoConfirmed.v1")).toEqual({
      type: "jiaodui.photos.PhotoConfirmed.v1",
      producer: "photos",
      name: "PhotoConfirmed",
      version: 1,
    });
    expect(parseEventType("something.else")).toMatchObject({ producer: "", name: "something.else" });
    expect(eventLabel("jiaodui.subscriptions.Ping.v2")).toBe("Ping v2");
  });

  it("groups by producer in order of first appearance, names sorted", () => {
    const items = ["jiaodui.records.RecordImported.v1", "jiaodui.photos.PhotoConfirmed.v1", "jiaodui.records.RecordCorrected.v1"].map(parseEventType);
    const groups = groupByProducer(items);
    expect(groups.map((g) => g.producer)).toEqual(["records", "photos"]);
    expect(groups[0]?.items.map((i) => i.name)).toEqual(["RecordCorrected", "RecordImported"]);
  });

  it("says a delay in its largest whole unit", () => {
    expect(delayParts(5)).toEqual({ n: 5, unit: "second" });
    expect(delayParts(300)).toEqual({ n: 5, unit: "minute" });
    expect(delayParts(36000)).toEqual({ n: 10, unit: "hour" });
    expect(delayParts(90)).toEqual({ n: 90, unit: "second" });
  });
});
