import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { Dialog } from './dialog';

function Harness() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Remove
      </button>
      {open && (
        <Dialog title="Remove Bank?" onClose={() => setOpen(false)}>
          <button type="button" className="danger">
            Remove for good
          </button>
          <button type="button" data-autofocus onClick={() => setOpen(false)}>
            Cancel
          </button>
        </Dialog>
      )}
    </>
  );
}

describe('Dialog', () => {
  it('focuses the safe button, and gives focus back to its opener when it closes', async () => {
    render(<Harness />);
    const opener = screen.getByRole('button', { name: 'Remove' });
    await userEvent.click(opener);

    expect(screen.getByRole('dialog', { name: 'Remove Bank?' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();

    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });
});
