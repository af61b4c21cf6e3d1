import { useState } from 'react';
import {
  Avatar,
  Button,
  Caption1,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { SignOutRegular } from '@fluentui/react-icons';
import { useSession } from '../app/SessionProvider';

const useStyles = makeStyles({
  trigger: { minWidth: 0, maxWidth: '240px', columnGap: tokens.spacingHorizontalS },
  name: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  who: { display: 'flex', flexDirection: 'column', padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`, maxWidth: '280px' },
  muted: { color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis' },
});

const VIA: Record<string, string> = {
  demo: 'Signed in to the demo tenant',
  microsoft: 'Signed in with Microsoft',
  teams: 'Signed in through Teams',
};

/** The signed-in person in the header, with Sign out (cookie sessions only). */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const styles = useStyles();
  const { state, signOut } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  if (state.status !== 'signed-in') return null;
  const { user, via, transport } = state;

  return (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button appearance="subtle" className={styles.trigger} aria-label={`Signed in as ${user.name}`} data-testid="user-menu">
          <Avatar name={user.name} size={24} color="colorful" />
          {!compact && (
            <Text className={styles.name} data-testid="user-name">
              {user.name}
            </Text>
          )}
        </Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          <MenuGroup>
            <MenuGroupHeader>{VIA[via] ?? 'Signed in'}</MenuGroupHeader>
            <div className={styles.who}>
              <Text weight="semibold">{user.name}</Text>
              <Caption1 className={styles.muted}>{user.email}</Caption1>
            </div>
          </MenuGroup>
          {transport === 'cookie' && (
            <>
              <MenuDivider />
              <MenuItem
                icon={signingOut ? <Spinner size="extra-tiny" /> : <SignOutRegular />}
                disabled={signingOut}
                onClick={() => {
                  setSigningOut(true);
                  void signOut();
                }}
                data-testid="sign-out"
              >
                Sign out
              </MenuItem>
            </>
          )}
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}
