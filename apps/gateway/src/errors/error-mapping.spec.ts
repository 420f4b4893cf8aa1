import { DomainError, ErrorCode } from '@app/contracts';
import { capDetails, MAX_DETAILS, mapError } from './error-mapping';

describe(capDetails.name, () => {
  it('keeps a short list as it is', () => {
    const details = [{ field: 'email', messages: ['email must be an email'] }];
    expect(capDetails(details)).toEqual(details);
  });

  it('lists at most MAX_DETAILS entries, the last saying how many more there were', () => {
    const details = Array.from({ length: 5000 }, (_, i) => ({
      field: `k${i}`,
      messages: [`property k${i} should not exist`],
    }));
    const capped = capDetails(details);
    expect(capped).toHaveLength(MAX_DETAILS);
    expect(capped[MAX_DETAILS - 1].messages[0]).toBe(`${5000 - (MAX_DETAILS - 1)} more problems not listed`);
  });

  it('cuts long field names and messages short', () => {
    const key = 'k'.repeat(30_000);
    const [detail] = capDetails([{ field: key, messages: [`property ${key} should not exist`] }]);
    expect(detail.field.length).toBeLessThanOrEqual(101);
    expect(detail.messages[0].length).toBeLessThanOrEqual(201);
  });

  it('applies to every domain error the edge answers', () => {
    const details = Array.from({ length: 100 }, (_, i) => ({ field: `k${i}`, messages: ['x'] }));
    const body = mapError(new DomainError(ErrorCode.ValidationFailed, 'bad', details), 'r').body;
    expect(body.details).toHaveLength(MAX_DETAILS);
  });
});
