import { createServices, type Services, type ServicesConfig } from '../../main/engine/services';
import { openDatabase, type Db } from '../../main/engine/store/database';

const writers = new WeakMap<Services, Db>();

/**
 * Services that run every operation on this thread, over a writer the test keeps to seed data
 * or to look at what a write did (`writerOf`). The services close it with their own.
 */
export function createInThreadServices(config: Omit<ServicesConfig, 'inThreadWriter' | 'matchInWorker'>): Services {
  const writer = openDatabase(config.dbPath);
  const services = createServices({ ...config, inThreadWriter: writer });
  writers.set(services, writer);
  return services;
}

/** The writer of services made by createInThreadServices. */
export function writerOf(services: Services): Db {
  const writer = writers.get(services);
  if (writer === undefined) throw new Error('these services were not made by createInThreadServices');
  return writer;
}
