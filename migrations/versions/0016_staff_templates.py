"""staff templates: a template makes either a learner's plan or a staff plan

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every template so far was made from a learner's plan.
    with op.batch_alter_table('plan_template', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('plan_kind', sa.String(length=10), nullable=False, server_default='learner')
        )


def downgrade() -> None:
    with op.batch_alter_table('plan_template', schema=None) as batch_op:
        batch_op.drop_column('plan_kind')
