"""learners' proposals, coaching prompts, answers with low self-ratings and before reviews

Revision ID: 0012
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ilp_app.db.models

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'learner_tasks_need_approval',
                sa.Boolean(),
                nullable=False,
                server_default=sa.true(),
            )
        )
    with op.batch_alter_table('goal_rating', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('how_got_here', sa.String(length=1000), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('next_step', sa.String(length=1000), nullable=False, server_default='')
        )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_goal_added_by_id_user', 'user', ['added_by_id'], ['id'])
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_task_added_by_id_user', 'user', ['added_by_id'], ['id'])
    op.create_table(
        'proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('focus_area_id', sa.Integer(), nullable=True),
        sa.Column('goal_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('success_criteria', sa.String(length=1000), nullable=False),
        sa.Column('target_date', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('decline_reason', sa.String(length=300), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('result_id', sa.Integer(), nullable=True),
        sa.Column('created_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['focus_area_id'], ['plan_focus_area.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_proposal_plan_id', 'proposal', ['plan_id'])
    op.create_table(
        'coaching_prompt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('situation', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_coaching_prompt_site_id', 'coaching_prompt', ['site_id'])
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('confidence_about', sa.String(length=200), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('plan_to', sa.String(length=200), nullable=False, server_default='')
        )
    op.create_table(
        'review_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('question', sa.String(length=300), nullable=False),
        sa.Column('answer', sa.String(length=1000), nullable=False),
        sa.Column('updated_at', ilp_app.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('review_id', 'author_id', 'kind', 'question', name='uq_review_answer'),
    )
    op.create_index('ix_review_answer_review_id', 'review_answer', ['review_id'])


def downgrade() -> None:
    op.drop_index('ix_review_answer_review_id', table_name='review_answer')
    op.drop_table('review_answer')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_column('plan_to')
        batch_op.drop_column('confidence_about')
    op.drop_index('ix_coaching_prompt_site_id', table_name='coaching_prompt')
    op.drop_table('coaching_prompt')
    op.drop_index('ix_proposal_plan_id', table_name='proposal')
    op.drop_table('proposal')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_constraint('fk_task_added_by_id_user', type_='foreignkey')
        batch_op.drop_column('added_by_id')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_constraint('fk_goal_added_by_id_user', type_='foreignkey')
        batch_op.drop_column('added_by_id')
    with op.batch_alter_table('goal_rating', schema=None) as batch_op:
        batch_op.drop_column('next_step')
        batch_op.drop_column('how_got_here')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('learner_tasks_need_approval')
