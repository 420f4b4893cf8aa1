import { useQuery } from '@tanstack/react-query';
import { ErrorNotice, Loading, Page } from '../../components/ui';
import { spendingQuery } from './api';

export function InsightsScreen() {
  const spending = useQuery(spendingQuery({ groupBy: 'category' }));
  return (
    <Page title="Insights">
      <ErrorNotice error={spending.error} />
      {spending.isPending && <Loading label="Loading your spending…" />}
    </Page>
  );
}
