"""staff plans (supervisors, plan kinds, school-year periods), handover notes, transition years

Revision ID: 0014
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'transition_years_set', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        'transition_year',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('year_label', sa.String(length=50), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('site_id', 'year_label'),
    )
    op.create_index('ix_transition_year_site_id', 'transition_year', ['site_id'])
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
    op.drop_index('ix_transition_year_site_id', table_name='transition_year')
    op.drop_table('transition_year')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('transition_years_set')
