import { GenericContainer } from "testcontainers";

/**
 * A GenericContainer whose published ports listen on 127.0.0.1 only: the host reaches containers
 * through loopback, never on every interface. It never pulls; the images are built locally.
 */
export class LoopbackContainer extends GenericContainer {
  protected override beforeContainerCreated(): Promise<void> {
    const portBindings: unknown = this.hostConfig.PortBindings ?? {};
    for (const bindings of Object.values(portBindings as Record<string, Array<{ HostIp?: string }>>)) {
      for (const binding of bindings) binding.HostIp = "127.0.0.1";
    }
    return Promise.resolve();
  }
}
