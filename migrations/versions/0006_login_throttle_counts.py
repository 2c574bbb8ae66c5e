"""login throttle counts

One row per key (account, or address and account) holding a count, instead of one row per
failed sign-in. The per-failure rows are dropped: counting starts again from zero, which gives
anyone at most one fresh allowance per account at the upgrade.

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text('DELETE FROM loginattempt'))
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failures', sa.Integer(), nullable=False))
        batch_op.drop_index(batch_op.f('ix_loginattempt_client_ip'))
        batch_op.drop_index(batch_op.f('ix_loginattempt_email_key'))
        batch_op.create_unique_constraint('uq_loginattempt_key', ['email_key', 'client_ip'])


def downgrade() -> None:
    op.execute(sa.text('DELETE FROM loginattempt'))
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.drop_constraint('uq_loginattempt_key', type_='unique')
        batch_op.create_index(batch_op.f('ix_loginattempt_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_loginattempt_client_ip'), ['client_ip'], unique=False)
        batch_op.drop_column('failures')
