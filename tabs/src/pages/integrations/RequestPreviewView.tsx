import { Fragment } from 'react';
import { Badge, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import type { RequestPreview } from '../../api/integrations';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS, minWidth: 0 },
  line: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, minWidth: 0 },
  url: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere', minWidth: 0 },
  label: { color: tokens.colorNeutralForeground3, textTransform: 'uppercase', letterSpacing: '0.04em' },
  headers: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalM,
    rowGap: '2px',
    margin: 0,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
  },
  headerName: { margin: 0, color: tokens.colorNeutralForeground3 },
  headerValue: { margin: 0, overflowWrap: 'anywhere' },
  body: {
    margin: 0,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground3,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    overflowY: 'auto',
    maxHeight: '320px',
  },
});

const AUTH_SCHEMES = /^(basic|bearer|token|digest|apikey|api-key|ssws|negotiate|ntlm|hmac)$/i;

/**
 * The credential header as "<scheme> ••••". The server masks it so; a value without a scheme
 * (an API key on its own) is shown as dots only, whatever came back.
 */
export function maskCredential(value: string): string {
  const scheme = value.split(' ')[0] ?? '';
  return AUTH_SCHEMES.test(scheme) ? `${scheme} ••••` : '••••';
}

export interface RequestPreviewViewProps {
  preview: RequestPreview;
  maxBodyHeight?: string;
  /** The header carrying the target's credential (ServiceNow), never shown in full. */
  credentialHeader?: string | null;
}

/** Exactly what a rule sends: method and (masked) URL, headers, the JSON body. */
export function RequestPreviewView({ preview, maxBodyHeight, credentialHeader }: RequestPreviewViewProps) {
  const styles = useStyles();
  const secretHeader = credentialHeader?.trim().toLowerCase() || null;
  return (
    <div className={styles.root} data-testid="request-preview">
      <div className={styles.line}>
        <Badge appearance="filled" color="brand" shape="rounded" data-testid="request-preview-method">
          {preview.method}
        </Badge>
        <span className={styles.url} data-testid="request-preview-url">
          {preview.url}
        </span>
      </div>
      <Caption1 className={styles.label}>Headers</Caption1>
      <dl className={styles.headers} data-testid="request-preview-headers">
        {Object.entries(preview.headers).map(([name, value]) => (
          <Fragment key={name}>
            <dt className={styles.headerName}>{name}:</dt>
            <dd className={styles.headerValue}>{name.toLowerCase() === secretHeader ? maskCredential(value) : value}</dd>
          </Fragment>
        ))}
      </dl>
      <Caption1 className={styles.label}>Body</Caption1>
      <pre className={styles.body} style={maxBodyHeight ? { maxHeight: maxBodyHeight } : undefined} data-testid="request-preview-body" tabIndex={0} aria-label="Request body">
        {preview.body}
      </pre>
    </div>
  );
}
