import { itemUserMessage } from './item-user-message';
import { PLAID_ERROR_TABLE } from './plaid-error-map';

describe(itemUserMessage.name, () => {
  it('asks the user to sign in again for ITEM_LOGIN_REQUIRED', () => {
    expect(itemUserMessage('ITEM_LOGIN_REQUIRED')).toBe(
      'Your bank needs you to sign in again to keep this connection working.',
    );
  });

  it('says what to do at the bank for a locked account', () => {
    expect(itemUserMessage('ITEM_LOCKED')).toMatch(/Unlock it on your bank's website/);
  });

  it('answers a plain sentence for every code in the error table and for an unknown one', () => {
    for (const code of [...Object.keys(PLAID_ERROR_TABLE), 'SOMETHING_NEW']) {
      const message = itemUserMessage(code);
      expect({ code, message }).toEqual({ code, message: expect.stringMatching(/^[A-Z].*\.$/) });
      expect(message).not.toMatch(/[A-Z]{2,}_[A-Z]/);
    }
  });
});
