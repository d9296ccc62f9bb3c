import { describe, expect, it } from "vitest";
import { summarizePromotion, type SamplingNode } from "../../bench/promotion-summary.ts";

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe("the promotion profile's summary", () => {
  it("charges each sampled allocation to its function, and to its nearest caller outside Node's internals", () => {
    const head: SamplingNode = {
      callFrame: frame("(root)", ""),
      selfSize: 0,
      children: [
        {
          callFrame: frame("Pipeline", "file:///app/node_modules/ioredis/built/Pipeline.js", 26),
          selfSize: 600,
          children: [{ callFrame: frame("Promise", ""), selfSize: 100 }],
        },
        {
          callFrame: frame("send", "file:///app/dist/adapters/x.js", 9),
          selfSize: 0,
          children: [{ callFrame: frame("ClientRequest", "node:_http_client", 329), selfSize: 300 }],
        },
      ],
    };
    const summary = summarizePromotion(head);
    expect(summary.totalBytes).toBe(1000);
    expect(summary.byFunction).toEqual([
      ["Pipeline ioredis/built/Pipeline.js:27", 600],
      ["ClientRequest node:_http_client:330", 300],
      ["Promise :1", 100],
    ]);
    expect(summary.byOwner).toEqual([
      ["Pipeline ioredis/built/Pipeline.js:27", 700],
      ["send dist/adapters/x.js:10", 300],
    ]);
  });
});
