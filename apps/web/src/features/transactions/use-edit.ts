import { useMutation, useQueryClient } from '@tanstack/react-query';
import { applyChanges } from '../../app/live-cache';
import { editTransaction, type TransactionEdit } from './api';

// Edits one transaction; the answer (with every effective field) replaces it in each cached list and detail at
// once, without waiting for the change feed. Totals built from transactions are refetched.
export function useEditTransaction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, edit }: { id: string; edit: TransactionEdit }) => editTransaction(id, edit),
    onSuccess: (t) => {
      queryClient.setQueryData(['transactions', 'detail', t.id], t);
      applyChanges(queryClient, [t], []);
      void queryClient.invalidateQueries({ queryKey: ['insights'] });
      void queryClient.invalidateQueries({ queryKey: ['recurring'] });
    },
  });
}
