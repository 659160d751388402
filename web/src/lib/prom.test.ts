import { describe, expect, it } from "vitest";
import { byLabel, durationIn, healthLevel, levelOf, levelOfAtLeast, scalarOf, sortAlerts, stepFor, toSeries, worst, type PromAlert } from "./prom";

describe("levels", () => {
  it("colours a value where more is worse", () => {
    const limits = { warn: 100, bad: 5000 };
    expect(levelOf(0, limits)).toBe("ok");
    expect(levelOf(100, limits)).toBe("warn");
    expect(levelOf(7000, limits)).toBe("bad");
  });
  it("never turns missing data into a green zero", () => {
    expect(levelOf(null, { warn: 1, bad: 2 })).toBe("unknown");
    expect(levelOf(Number.NaN, { warn: 1, bad: 2 })).toBe("unknown");
    expect(levelOfAtLeast(undefined, { warn: 0.9, bad: 0.5 })).toBe("unknown");
  });
  it("colours a value where less is worse", () => {
    const limits = { warn: 0.9, bad: 0.5 };
    expect(levelOfAtLeast(0.95, limits)).toBe("ok");
    expect(levelOfAtLeast(0.7, limits)).toBe("warn");
    expect(levelOfAtLeast(0.2, limits)).toBe("bad");
  });
  it("takes the worst known level", () => {
    expect(worst(["ok", "unknown", "warn"])).toBe("warn");
    expect(worst(["unknown"])).toBe("unknown");
    expect(worst(["ok", "bad"])).toBe("bad");
  });
});

describe("vectors", () => {
  it("reads one number, or none when the vector is empty", () => {
    expect(scalarOf([{ metric: {}, value: [1, "12.5"] }])).toBe(12.5);
    expect(scalarOf([])).toBeNull();
    expect(scalarOf([{ metric: {}, value: [1, "NaN"] }])).toBeNull();
  });
  it("keys numbers by a label", () => {
    const vector = [
      { metric: { job: "photos" }, value: [1, "1"] as [number, string] },
      { metric: { job: "notify" }, value: [1, "0"] as [number, string] },
      { metric: { job: "records" }, value: [1, "NaN"] as [number, string] },
    ];
    expect(byLabel(vector, "job")).toEqual({ photos: 1, notify: 0 });
  });
});

describe("matrices", () => {
  it("become named series in milliseconds with gaps for NaN", () => {
    const series = toSeries(
      [
        { metric: { topic: "photos.events" }, values: [[100, "2"], [105, "NaN"]] },
        { metric: { topic: "identity.events" }, values: [[100, "0.5"]] },
      ],
      (m) => m.topic ?? "?",
    );
    expect(series).toEqual([
      { name: "identity.events", data: [[100_000, 0.5]] },
      { name: "photos.events", data: [[100_000, 2], [105_000, null]] },
    ]);
  });
  it("choose a step that keeps the points few", () => {
    expect(stepFor(1800)).toBe(15);
    expect(stepFor(60)).toBe(5);
  });
});

describe("alerts", () => {
  it("put firing and critical first", () => {
    const alert = (alertname: string, severity: string, state: PromAlert["state"]): PromAlert => ({
      labels: { alertname, severity },
      annotations: {},
      state,
    });
    const sorted = sortAlerts([alert("A", "warning", "pending"), alert("B", "warning", "firing"), alert("C", "critical", "firing")]);
    expect(sorted.map((a) => a.labels.alertname)).toEqual(["C", "B", "A"]);
  });
});

describe("service health", () => {
  it("is red when down, amber when partly up or erring, unknown without targets", () => {
    expect(healthLevel(1, 1, 0)).toBe("ok");
    expect(healthLevel(1, 1, null)).toBe("ok");
    expect(healthLevel(0, 1, null)).toBe("bad");
    expect(healthLevel(1, 2, 0)).toBe("warn");
    expect(healthLevel(1, 1, 0.005)).toBe("warn");
    expect(healthLevel(1, 1, 0.02)).toBe("bad");
    expect(healthLevel(null, null, null)).toBe("unknown");
  });
});

describe("durations", () => {
  it("read in seconds, minutes or hours", () => {
    expect(durationIn(4.4)).toEqual({ unit: "s", n: 4 });
    expect(durationIn(600)).toEqual({ unit: "min", n: 10 });
    expect(durationIn(9000)).toEqual({ unit: "h", n: 2.5 });
  });
});
