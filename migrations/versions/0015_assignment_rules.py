"""assignment rules: rules that make plans from a template, and the rule each plan came from

Revision ID: 0015
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'assignment_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('template_id', sa.Integer(), nullable=False),
        sa.Column('year_label', sa.String(length=50), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('context_kind', sa.String(length=30), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            'last_applied_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.ForeignKeyConstraint(['template_id'], ['plan_template.id']),
        sa.ForeignKeyConstraint(['group_id'], ['learner_group.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_assignment_rule_site_id', 'assignment_rule', ['site_id'])
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_plan_rule_id', ['rule_id'])
        batch_op.create_foreign_key('fk_plan_rule_id', 'assignment_rule', ['rule_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint('fk_plan_rule_id', type_='foreignkey')
        batch_op.drop_index('ix_plan_rule_id')
        batch_op.drop_column('rule_id')
    op.drop_index('ix_assignment_rule_site_id', table_name='assignment_rule')
    op.drop_table('assignment_rule')
