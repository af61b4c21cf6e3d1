import { useCallback, type MouseEvent } from 'react';
import { useHref, useNavigate, type NavigateOptions } from 'react-router';

/**
 * href and onClick for an in-app link on any element (a Fluent Link or Button as="a"): a plain
 * click navigates inside the app; a middle, ctrl or shift click opens a new tab as links do.
 */
export function useAppLink(to: string, options?: NavigateOptions): { href: string; onClick: (event: MouseEvent<HTMLElement>) => void } {
  const href = useHref(to);
  const navigate = useNavigate();
  const onClick = useCallback(
    (event: MouseEvent<HTMLElement>) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(to, options);
    },
    [navigate, to, options],
  );
  return { href, onClick };
}
