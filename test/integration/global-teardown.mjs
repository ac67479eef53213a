export default async function globalTeardown() {
  await globalThis.__payoutsDevServer?.stop();
}
