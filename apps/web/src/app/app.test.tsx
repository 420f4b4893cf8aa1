import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithQueries } from '../test/render';
import { NotFound } from './app';

describe('NotFound', () => {
  it('says the address has no page and offers a way back', () => {
    renderWithQueries(<NotFound />);
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to your connections' })).toHaveAttribute('href', '/items');
  });
});
