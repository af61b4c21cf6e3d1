import { useEffect, useRef, useState } from 'react';
import { Button, Input, Tooltip, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular } from '@fluentui/react-icons';

const useStyles = makeStyles({
  root: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'center', minWidth: 0 },
  input: { flexGrow: 1, minWidth: 0, fontFamily: tokens.fontFamilyMonospace },
});

/** Copies `text`; when the async clipboard is refused, selects `input` and copies that. */
export async function copyText(text: string, input: HTMLInputElement | null = null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Teams' iframes may refuse the async clipboard: fall back to selecting and copying.
    if (!input) return false;
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

export interface CopyFieldProps {
  value: string;
  /** The accessible name of the field, e.g. "Invitation link for ada@contoso.com". */
  label: string;
  testId: string;
  copyTestId: string;
}

/** A read-only value (a link shown once) with a Copy button. */
export function CopyField({ value, label, testId, copyTestId }: CopyFieldProps) {
  const styles = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <div className={styles.root}>
      <Input
        ref={input}
        className={styles.input}
        value={value}
        readOnly
        aria-label={label}
        onFocus={(e) => e.currentTarget.select()}
        data-testid={testId}
      />
      <Tooltip
        content={copied === 'no' ? 'Could not copy: select the link and copy it yourself' : 'Copied'}
        relationship="description"
        visible={copied !== null}
      >
        <Button
          appearance="primary"
          icon={copied === 'yes' ? <CheckmarkRegular /> : <CopyRegular />}
          onClick={async () => setCopied((await copyText(value, input.current)) ? 'yes' : 'no')}
          data-testid={copyTestId}
        >
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </Button>
      </Tooltip>
    </div>
  );
}
