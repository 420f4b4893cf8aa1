import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ui';
import { detailedLabel, humanize } from '../../lib/format';
import { categoriesQuery } from './api';

interface Option {
  value: string;
  label: string;
  group: string;
}

// A searchable category picker over GET /v1/categories, as an ARIA combobox: type to narrow, arrows to move,
// Enter to choose, Escape to close. Chooses a detailed category or a primary one ("any food and drink").
export function CategoryPicker({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | null;
  onChange: (value: string) => void;
}) {
  const categories = useQuery(categoriesQuery);
  const id = useId();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const options = useMemo<Option[]>(
    () =>
      (categories.data?.data ?? []).flatMap((g) => [
        { value: g.primary, label: `${humanize(g.primary)} (any)`, group: humanize(g.primary) },
        ...g.detailed.map((d) => ({
          value: d,
          label: detailedLabel(g.primary, d),
          group: humanize(g.primary),
        })),
      ]),
    [categories.data],
  );
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return options;
    return options.filter((o) => `${o.group} ${o.label}`.toLowerCase().includes(q));
  }, [options, query]);
  const current = options.find((o) => o.value === value);

  const choose = (o: Option): void => {
    onChange(o.value);
    setQuery('');
    setOpen(false);
    input.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, shown.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      const o = shown[active];
      if (o) choose(o);
    } else if (e.key === 'Escape' && open) {
      // Closes the list, not the drawer around it.
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  };
  const optionId = (i: number): string => `${id}-opt-${i}`;

  return (
    <div className="field picker">
      <label htmlFor={id}>{label}</label>
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={open && shown[active] ? optionId(active) : undefined}
        placeholder={current ? `${current.group} › ${current.label}` : 'Search categories'}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      {current && (
        <p className="hint">
          Now: {current.group} › {current.label}
        </p>
      )}
      <ErrorNotice error={categories.error} />
      {open && (
        <ul className="picker-list" id={`${id}-list`} role="listbox" aria-label={label}>
          {shown.length === 0 && <li className="muted">No category matches “{query}”.</li>}
          {shown.map((o, i) => (
            <li
              key={o.value}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(o);
              }}
            >
              <span className="muted">{o.group} › </span>
              {o.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
