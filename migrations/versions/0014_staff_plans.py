"""staff plans (supervisors, plan kinds, school-year periods) and handover notes

Revision ID: 0014
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0014'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=20), nullable=False, server_default='term')
        )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=10), nullable=False, server_default='learner')
        )
        batch_op.create_index('ix_plan_kind', ['kind'], unique=False)
    with op.batch_alter_table('plan_note', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('handover', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        'supervisor_assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('supervisor_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['supervisor_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('staff_id'),
    )
    op.create_index(
        'ix_supervisor_assignment_supervisor_id', 'supervisor_assignment', ['supervisor_id']
    )


def downgrade() -> None:
    op.drop_index('ix_supervisor_assignment_supervisor_id', table_name='supervisor_assignment')
    op.drop_table('supervisor_assignment')
    with op.batch_alter_table('plan_note', schema=None) as batch_op:
        batch_op.drop_column('handover')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_kind')
        batch_op.drop_column('kind')
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.drop_column('kind')
