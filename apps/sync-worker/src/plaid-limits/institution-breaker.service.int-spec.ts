import { Test, type TestingModule } from '@nestjs/testing';
import { type TestDatabase, strictMock } from '@app/testing';
import { PlaidApi } from 'plaid';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config';
import { InstitutionNamesService } from '../institutions/institution-names.service';
import { InstitutionsRepository } from '../institutions/institutions.repository';
import { createSyncDatabase, plaidOk, specConfig } from '../spec-support';
import { InstitutionBreaker } from './institution-breaker.service';

describe(InstitutionBreaker.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let sut: InstitutionBreaker;
  let names: InstitutionNamesService;
  let lookups: string[];

  beforeAll(async () => {
    db = await createSyncDatabase();
    moduleRef = await Test.createTestingModule({
      providers: [
        InstitutionBreaker,
        InstitutionNamesService,
        InstitutionsRepository,
        { provide: APP_CONFIG, useValue: specConfig(db.url, { INSTITUTION_PAUSE_SECONDS: 300 }) },
        { provide: DataSource, useValue: db.dataSource },
        {
          provide: PlaidApi,
          useValue: strictMock<PlaidApi>('PlaidApi', {
            institutionsGetById: async (req) => {
              lookups.push(req.institution_id);
              return plaidOk({
                institution: {
                  institution_id: req.institution_id,
                  name: `Bank ${req.institution_id}`,
                  products: [],
                  country_codes: [],
                  routing_numbers: [],
                  oauth: false,
                },
                request_id: 'req',
              });
            },
          }),
        },
      ],
    }).compile();
    sut = moduleRef.get(InstitutionBreaker);
    names = moduleRef.get(InstitutionNamesService);
  });

  beforeEach(() => {
    lookups = [];
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.destroy();
  });

  it('pauses an institution for INSTITUTION_PAUSE_SECONDS', async () => {
    await sut.trip('ins_down', 'INSTITUTION_DOWN');

    const paused = await sut.pausedFor('ins_down');

    expect(paused).toBeGreaterThan(290);
    expect(paused).toBeLessThanOrEqual(300);
  });

  it('answers 0 for an institution that is not paused, or no institution', async () => {
    expect(await sut.pausedFor('ins_fine')).toBe(0);
    expect(await sut.pausedFor(null)).toBe(0);
  });

  it('leaves the name cache empty for an institution whose name was never fetched', async () => {
    await sut.trip('ins_nameless', 'INSTITUTION_DOWN');

    expect(await names.name('ins_nameless')).toBe('Bank ins_nameless');
    expect(lookups).toEqual(['ins_nameless']);
  });

  it('keeps a cached name when it pauses the institution', async () => {
    await names.name('ins_named');
    await sut.trip('ins_named', 'INSTITUTION_NOT_RESPONDING');

    expect(await names.name('ins_named')).toBe('Bank ins_named');
    expect(lookups).toEqual(['ins_named']);
  });
});
