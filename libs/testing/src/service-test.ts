import { type DynamicModule, type InjectionToken, Module, type Provider, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { strictMock } from './strict-mock';
import { type TestDatabase } from './test-database';

// A collaborator outside the process (Plaid, the broker) replaced by a strict fake.
export interface Fake {
  token: InjectionToken;
  value: object;
}

// `fake(PlaidApi, { transactionsSync })`: a strictMock named after its token, so a call the test did not give it
// fails with the collaborator's name.
export function fake<T extends object>(token: Type<T> | string | symbol, impl: Partial<T> = {}): Fake {
  const name = typeof token === 'function' ? token.name : String(token);
  return { token, value: strictMock<T>(name, impl) };
}

export interface ServiceTestOptions {
  // The spec file's own database with the service's real migrations (each app's spec-support creates one).
  database: () => Promise<TestDatabase>;
  // Feature modules taken whole: the service under test and its repositories come from them.
  imports?: (Type | DynamicModule)[] | ((db: TestDatabase) => (Type | DynamicModule)[]);
  // Without `imports`: the collaborators used for real (repositories, writers, the services it calls).
  real?: Provider[];
  // Plain values every provider may inject (the config, a cipher), built once the database exists.
  values?: (db: TestDatabase) => Provider[];
  // Strict fakes, visible to every module and replacing any provider of the same token.
  fakes?: Fake[];
}

export interface ServiceTest<S> {
  sut: S;
  db: TestDatabase;
  moduleRef: TestingModule;
  get<T>(token: Type<T> | string | symbol): T;
  // Closes the module (which closes the DataSource) and drops the database.
  close(): Promise<void>;
}

@Module({})
class ServiceTestCore {}

// One line per spec file: `sut` on a fresh TestDatabase, real repositories where the logic is SQL, strict fakes for
// what leaves the process. The DataSource is the test database's, provided as the app's TypeOrmModule would.
export async function newServiceTest<S>(
  Service: Type<S>,
  options: ServiceTestOptions,
): Promise<ServiceTest<S>> {
  const db = await options.database();
  try {
    const fakes = options.fakes ?? [];
    const shared: Provider[] = [
      ...(options.values?.(db) ?? []),
      ...fakes.map((f) => ({ provide: f.token, useValue: f.value })),
    ];
    const imports = typeof options.imports === 'function' ? options.imports(db) : (options.imports ?? []);
    let builder = Test.createTestingModule({
      imports: [
        {
          module: ServiceTestCore,
          global: true,
          providers: shared,
          exports: shared.map((p) => (typeof p === 'function' ? p : p.provide)),
        },
        TypeOrmModule.forRootAsync({
          useFactory: () => db.dataSource.options,
          dataSourceFactory: () => Promise.resolve(db.dataSource),
        }),
        ...imports,
      ],
      // With feature modules the service is theirs; a second instance here would not be the one they wire.
      providers: imports.length > 0 ? (options.real ?? []) : [Service, ...(options.real ?? [])],
    });
    for (const f of fakes) builder = builder.overrideProvider(f.token).useValue(f.value);
    const moduleRef = await (await builder.compile()).init();
    return {
      sut: moduleRef.get(Service, { strict: false }),
      db,
      moduleRef,
      get: <T>(token: Type<T> | string | symbol) => moduleRef.get<T>(token, { strict: false }),
      close: async () => {
        await moduleRef.close();
        await db.destroy();
      },
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
