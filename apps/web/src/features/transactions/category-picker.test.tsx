import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockGateway, renderWithQueries } from '../../test/render';
import { CategoryPicker } from './category-picker';

describe('CategoryPicker', () => {
  it('narrows the categories as the user types and chooses one with the arrow keys and Enter', async () => {
    mockGateway({
      'GET /v1/categories': {
        data: [
          { primary: 'FOOD_AND_DRINK', detailed: ['FOOD_AND_DRINK_COFFEE', 'FOOD_AND_DRINK_GROCERIES'] },
          { primary: 'RENT_AND_UTILITIES', detailed: ['RENT_AND_UTILITIES_RENT'] },
        ],
      },
    });
    const onChange = vi.fn();
    renderWithQueries(<CategoryPicker label="Category" value={null} onChange={onChange} />);
    const box = screen.getByRole('combobox', { name: 'Category' });
    await userEvent.click(box);
    expect(await screen.findAllByRole('option')).toHaveLength(5);

    await userEvent.type(box, 'groc');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    await userEvent.keyboard('{Enter}');
    expect(onChange).toHaveBeenCalledWith('FOOD_AND_DRINK_GROCERIES');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(box).toHaveFocus();
  });
});
