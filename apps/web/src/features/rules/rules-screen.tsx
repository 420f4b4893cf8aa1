import { useQuery } from '@tanstack/react-query';
import { Empty, ErrorNotice, Loading, Page } from '../../components/ui';
import { rulesQuery } from './api';

export function RulesScreen() {
  const rules = useQuery(rulesQuery);
  return (
    <Page title="Rules">
      <ErrorNotice error={rules.error} />
      {rules.isPending && <Loading label="Loading your rules…" />}
      {rules.data?.data.length === 0 && (
        <Empty>
          <p>No rules yet.</p>
        </Empty>
      )}
      <ol className="rules">
        {rules.data?.data.map((r) => (
          <li key={r.id}>{r.name}</li>
        ))}
      </ol>
    </Page>
  );
}
