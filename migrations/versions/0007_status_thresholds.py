"""status thresholds

The school sets when the overview's status turns amber and red (days without activity).
Existing schools get the defaults.

Revision ID: 0007
Revises: 0006
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('quiet_amber_days', sa.Integer(), nullable=False, server_default='7')
        )
        batch_op.add_column(
            sa.Column('quiet_red_days', sa.Integer(), nullable=False, server_default='21')
        )


def downgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('quiet_red_days')
        batch_op.drop_column('quiet_amber_days')
