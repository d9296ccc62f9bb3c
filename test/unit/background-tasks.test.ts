import { describe, expect, it } from "vitest";
import { createBackgroundTasks } from "../../src/app/background-tasks.ts";
import { createLogger } from "../../src/logger.ts";

/** A task that runs until the test lets it finish. */
function heldTask() {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => done, finish };
}

describe("background tasks", () => {
  it("are bounded: a run waits for a free slot (backpressure), tryRun refuses at once", async () => {
    const tasks = createBackgroundTasks(createLogger("silent"), 2);
    const [first, second, third] = [heldTask(), heldTask(), heldTask()];
    await tasks.run("first", first.task);
    await tasks.run("second", second.task);
    expect(tasks.size).toBe(2);
    expect(tasks.tryRun("refused", heldTask().task)).toBe(false);

    let thirdStarted = false;
    const waiting = tasks.run("third", () => {
      thirdStarted = true;
      return third.task();
    });
    await Promise.resolve();
    expect(thirdStarted).toBe(false);

    first.finish();
    await waiting;
    expect(thirdStarted).toBe(true);
    expect(tasks.size).toBe(2);

    second.finish();
    third.finish();
    await tasks.drain(1_000);
    expect(tasks.size).toBe(0);
    expect(tasks.tryRun("now free", () => Promise.resolve())).toBe(true);
  });
});
