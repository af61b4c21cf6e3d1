import { useNavigate } from 'react-router';
import {
  Caption1,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuButton,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, BuildingRegular } from '@fluentui/react-icons';
import { useOrg } from '../app/OrgProvider';
import { roleLabel } from '../app/permissions';

const useStyles = makeStyles({
  trigger: { maxWidth: '280px', minWidth: 0 },
  triggerText: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  item: { display: 'flex', flexDirection: 'column' },
  role: { color: tokens.colorNeutralForeground3 },
  single: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXS,
    color: tokens.colorNeutralForeground2,
    maxWidth: '240px',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
});

/**
 * The organisation in use. With several, a menu to switch (remembered in this browser);
 * with one, just its name. Both offer "New organisation" for people who run several.
 */
export function OrgSwitcher({ compact = false }: { compact?: boolean }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const { memberships, current, switchOrg } = useOrg();
  if (!current) return null;
  const several = memberships.length > 1;

  return (
    <Menu
      checkedValues={{ org: [current.orgId] }}
      onCheckedValueChange={(_, data) => {
        const orgId = data.checkedItems[0];
        if (orgId && orgId !== current.orgId) switchOrg(orgId);
      }}
    >
      <MenuTrigger disableButtonEnhancement>
        <MenuButton
          appearance="subtle"
          icon={<BuildingRegular />}
          className={styles.trigger}
          aria-label={`Organisation: ${current.orgName}${several ? '. Switch organisation' : ''}`}
          data-testid="org-switcher"
          data-org-id={current.orgId}
        >
          {compact ? undefined : <span className={styles.triggerText}>{current.orgName}</span>}
        </MenuButton>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          <MenuGroup>
            <MenuGroupHeader>{several ? 'Switch organisation' : 'Your organisation'}</MenuGroupHeader>
            {memberships.map((m) => (
              <MenuItemRadio key={m.orgId} name="org" value={m.orgId} data-testid={`org-option-${m.orgId}`}>
                <span className={styles.item}>
                  <Text>{m.orgName}</Text>
                  <Caption1 className={styles.role}>{roleLabel(m.role)}</Caption1>
                </span>
              </MenuItemRadio>
            ))}
          </MenuGroup>
          <MenuDivider />
          <MenuItem icon={<AddRegular />} onClick={() => navigate('/welcome')} data-testid="org-new">
            New organisation
          </MenuItem>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}
